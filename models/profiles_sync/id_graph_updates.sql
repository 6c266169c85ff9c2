{#- Profiles Sync's id_graph_updates, read from the change log (a view: its history is the change
    log's). A published profile id maps to itself from the run that published it; when it is
    retired it maps to the profile holding the identifier it is named after, and from then on a
    new row follows that identifier each time it moves (Segment's recursive entries). -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true) }}

with profile_changes as (

    select * from {{ ref('idr_profile_changes') }}

),

identifier_changes as (

    select * from {{ ref('idr_identifier_changes') }}

),

new_ids as (

    select *
    from profile_changes
    where change_type in ('created', 'split')

),

split_triggers as (

    {# a part split off gets no new event: the earliest event of the run among the identifiers of
        the profile it split from (the late event that caused the split) #}
    select segment_id, triggering_source_name, triggering_event_id, triggering_occurred_at
    from (
        select
            new_ids.profile_id as segment_id,
            identifier_changes.triggering_source_name,
            identifier_changes.triggering_event_id,
            identifier_changes.triggering_occurred_at,
            row_number() over (
                partition by new_ids.profile_id
                order by identifier_changes.triggering_occurred_at, identifier_changes.triggering_source_name,
                    identifier_changes.triggering_event_id
            ) as trigger_order
        from new_ids
        inner join identifier_changes
            on new_ids.run_at = identifier_changes.run_at
            and identifier_changes.profile_id in (new_ids.profile_id, new_ids.from_profile_id)
        where new_ids.change_type = 'split'
            and new_ids.triggering_event_id is null
            and identifier_changes.triggering_event_id is not null
    ) as ranked
    where trigger_order = 1

),

published as (

    select
        new_ids.profile_id as segment_id,
        new_ids.key_node_id,
        new_ids.run_id,
        new_ids.run_at,
        new_ids.change_type,
        coalesce(new_ids.triggering_source_name, split_triggers.triggering_source_name) as triggering_source_name,
        coalesce(new_ids.triggering_event_id, split_triggers.triggering_event_id) as triggering_event_id,
        coalesce(new_ids.triggering_occurred_at, split_triggers.triggering_occurred_at) as triggering_occurred_at
    from new_ids
    left join split_triggers
        on new_ids.profile_id = split_triggers.segment_id

),

retirements as (

    {# a profile id is retired once: merged into another profile, or emptied #}
    select profile_id as segment_id, min(run_at) as retired_at
    from profile_changes
    where change_type in ('merged', 'removed')
    group by profile_id

),

key_history as (

    {# every change of the identifier a retired profile id is named after #}
    select
        published.segment_id,
        retirements.retired_at,
        identifier_changes.run_id,
        identifier_changes.run_at,
        identifier_changes.profile_id,
        identifier_changes.triggering_source_name,
        identifier_changes.triggering_event_id,
        identifier_changes.triggering_occurred_at
    from published
    inner join retirements
        on published.segment_id = retirements.segment_id
    inner join identifier_changes
        on published.key_node_id = identifier_changes.node_id

),

at_retirement as (

    {# the profile holding that identifier right after the retirement #}
    select segment_id, profile_id as canonical_segment_id
    from (
        select
            key_history.*,
            row_number() over (partition by key_history.segment_id order by key_history.run_at desc) as change_order
        from key_history
        where key_history.run_at <= key_history.retired_at
    ) as ranked
    where change_order = 1

),

retired as (

    select
        retiring.segment_id,
        retiring.canonical_segment_id,
        case when retiring.canonical_segment_id is null then 'removed' else 'merged' end as change_type,
        retiring.run_id,
        retiring.run_at,
        retiring.triggering_source_name,
        retiring.triggering_event_id,
        retiring.triggering_occurred_at
    from (
        select
            profile_changes.profile_id as segment_id,
            at_retirement.canonical_segment_id,
            profile_changes.run_id,
            profile_changes.run_at,
            profile_changes.triggering_source_name,
            profile_changes.triggering_event_id,
            profile_changes.triggering_occurred_at,
            {#- merged into several profiles at once: the row of the one it maps to #}
            row_number() over (
                partition by profile_changes.profile_id
                order by
                    case when profile_changes.into_profile_id = at_retirement.canonical_segment_id then 0 else 1 end,
                    profile_changes.into_profile_id
            ) as row_order
        from profile_changes
        left join at_retirement
            on profile_changes.profile_id = at_retirement.segment_id
        where profile_changes.change_type in ('merged', 'removed')
    ) as retiring
    where retiring.row_order = 1

),

remapped as (

    {# after its retirement, the id follows its identifier: the profile it went to merged away, split, ... #}
    select
        segment_id,
        profile_id as canonical_segment_id,
        case when profile_id is null then 'removed' else 'remapped' end as change_type,
        run_id,
        run_at,
        triggering_source_name,
        triggering_event_id,
        triggering_occurred_at
    from key_history
    where run_at > retired_at

),

updates as (

    select
        segment_id,
        segment_id as canonical_segment_id,
        change_type,
        run_id,
        run_at,
        triggering_source_name,
        triggering_event_id,
        triggering_occurred_at
    from published
    union all
    select * from retired
    union all
    select * from remapped

),

{{ identity_resolution._idr_profiles_sync_trigger_events('updates') }}

final as (

    select
        {{ dbt.hash(dbt.concat([
            'updates.segment_id', "'@'", identity_resolution.idr_timestamp_text('updates.run_at'),
        ])) }}
            as id,
        updates.segment_id,
        updates.canonical_segment_id,
        trigger_events.event_type as triggering_event_type,
        updates.triggering_event_id,
        trigger_events.event_name as triggering_event_name,
        updates.triggering_source_name as triggering_event_source_name,
        updates.triggering_occurred_at as timestamp,
        {{ identity_resolution.idr_timestamp_text('updates.run_at') }} as seq,
        updates.run_at as uuid_ts,
        updates.change_type,
        updates.run_id
    from updates
    left join trigger_events
        on updates.triggering_source_name = trigger_events.source_name
        and updates.triggering_event_id = trigger_events.event_id
        and updates.triggering_occurred_at = trigger_events.occurred_at

)

select * from final
