{#- The change log of profiles: append-only, kept through --full-refresh. One row per change:
      created  a new profile id, from identifiers new to the graph
      split    a new profile id, from part of from_profile_id (which keeps its id)
      joined   part of from_profile_id (which keeps its id) joined profile_id
      merged   profile_id is retired: its identifiers now belong to into_profile_id
      removed  profile_id is retired: all its identifiers were suppressed or disappeared -#}
{{ config(unique_key=['profile_id', 'change_type', 'related_profile_id', '_batch_at'], full_refresh=false) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set node_profiles = ref('int_idr__node_profiles') -%}
{%- set events = ref('int_idr__events') -%}

with changed as (

    select *
    from {{ node_profiles }}
    where change_type in ('mapped', 'moved', 'removed')
    {%- if incremental %}
        and _batch_at > {{ watermark }}
    {%- endif %}

),

active as (

    {# of the profiles identifiers left, those that still hold some #}
    select distinct profile_id
    from {{ node_profiles }}
    where profile_id in (select previous_profile_id from changed)

),

{%- if incremental %}

published as (

    select profile_id from {{ this }} where change_type in ('created', 'split')

),
{%- endif %}

flows as (

    {# where the identifiers that changed went: (new profile, old profile) #}
    select distinct profile_id, previous_profile_id
    from changed

),

receiving as (

    select
        profile_id,
        {%- if incremental %}
        profile_id not in (select profile_id from published) as is_new,
        {%- else %}
        true as is_new,
        {%- endif %}
        max(case when previous_profile_id is not null then 1 else 0 end) as has_sources
    from flows
    where profile_id is not null
    group by profile_id

),

keys as (

    select profile_id, node_id as key_node_id
    from {{ node_profiles }}
    where is_profile_key and profile_id in (select profile_id from receiving)

),

changes as (

    select receiving.profile_id, 'created' as change_type, cast(null as {{ dbt.type_string() }}) as related_profile_id
    from receiving
    where receiving.is_new and receiving.has_sources = 0

    union all

    select
        flows.profile_id,
        case when receiving.is_new then 'split' else 'joined' end as change_type,
        flows.previous_profile_id as related_profile_id
    from flows
    inner join receiving
        on flows.profile_id = receiving.profile_id
    where flows.previous_profile_id is not null
        and flows.previous_profile_id <> flows.profile_id
        and flows.previous_profile_id in (select profile_id from active)

    union all

    select flows.previous_profile_id as profile_id, 'merged' as change_type, flows.profile_id as related_profile_id
    from flows
    where flows.previous_profile_id is not null
        and flows.profile_id is not null
        and flows.previous_profile_id <> flows.profile_id
        and flows.previous_profile_id not in (select profile_id from active)

    union all

    {# a profile none of whose identifiers went anywhere #}
    select distinct
        flows.previous_profile_id as profile_id,
        'removed' as change_type,
        cast(null as {{ dbt.type_string() }}) as related_profile_id
    from flows
    where flows.previous_profile_id is not null
        and flows.previous_profile_id not in (select profile_id from active)
        and flows.previous_profile_id not in (
            select moved.previous_profile_id from flows as moved
            where moved.profile_id is not null and moved.previous_profile_id is not null)

),

{%- if incremental %}

receiving_events as (

    {# the events of the run in each profile that changed #}
    select
        node_profiles.profile_id,
        events.event_key,
        events.occurred_at
    from {{ events }} as events
    inner join {{ node_profiles }} as node_profiles
        on events.anchor_node_id = node_profiles.node_id
    where node_profiles.profile_id in (select profile_id from receiving)
        and events._batch_at > {{ watermark }}

),

triggers as (

    {# the earliest of them in each profile #}
    {{ identity_resolution.idr_earliest_event_of('receiving_events', 'profile_id', events) | indent(4) }}

),
{%- else %}

anchor_firsts as (

    {# A first build: every event is the run's, and each profile's earliest one is decided by one
       of its identifiers at that identifier's first_anchored_event_at (int_idr__nodes). So the
       profile's earliest time comes from its identifiers, and only events at one of those
       (identifier, time) pairs are read: no join of every event to its profile, no grouping of
       them (10.6M at 10M events). Found for every profile; `final` joins the ones that changed. #}
    select
        node_profiles.profile_id,
        nodes.node_id,
        nodes.first_anchored_event_at as occurred_at
    from {{ ref('int_idr__nodes') }} as nodes
    inner join {{ node_profiles }} as node_profiles
        on nodes.node_id = node_profiles.node_id
    where nodes.first_anchored_event_at is not null
        and node_profiles.profile_id is not null

),

first_times as (

    select profile_id, min(occurred_at) as occurred_at
    from anchor_firsts
    group by profile_id

),

triggers as (

    {% set tied -%}
    (
        select
            anchor_firsts.profile_id,
            events.source_name,
            events.event_id,
            events.occurred_at
        from anchor_firsts
        inner join first_times
            on anchor_firsts.profile_id = first_times.profile_id
            and anchor_firsts.occurred_at = first_times.occurred_at
        inner join {{ events }} as events
            on anchor_firsts.node_id = events.anchor_node_id
            and anchor_firsts.occurred_at = events.occurred_at
    ) as tied
    {%- endset %}
    {{- identity_resolution.idr_earliest_event(tied, 'profile_id') | indent(4) }}

),
{%- endif %}

final as (

    select
        '{{ invocation_id }}' as run_id,
        {{ identity_resolution.idr_batch_at() }} as run_at,
        changes.change_type,
        changes.profile_id,
        case when changes.change_type = 'merged' then changes.related_profile_id end as into_profile_id,
        case when changes.change_type in ('split', 'joined') then changes.related_profile_id end as from_profile_id,
        coalesce(changes.related_profile_id, '') as related_profile_id,
        case when changes.change_type in ('created', 'split') then keys.key_node_id end as key_node_id,
        triggers.source_name as triggering_source_name,
        triggers.event_id as triggering_event_id,
        triggers.occurred_at as triggering_occurred_at,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from changes
    left join keys
        on changes.profile_id = keys.profile_id
    left join triggers
        on (case when changes.change_type = 'merged' then changes.related_profile_id else changes.profile_id end)
            = triggers.profile_id

)

select * from final
