{%- set cfg = identity_resolution.idr_config() -%}
{#- Profiles Sync's external_id_mapping_updates: append-only, kept through --full-refresh (with the
    profile ids). An identifier gets a row when first seen, with the profile it joined, and that row
    is not rewritten when the profile merges away: id_graph resolves it. A new row is written only
    when id_graph would no longer give the identifier's profile: it moved to another profile without
    a merge (a split; Segment never splits), or the profile its row names now resolves elsewhere.
    An identifier that disappears gets a 'REMOVED' row. The first build writes every identifier
    as it is now (a backfill). A suppressed identifier's value and hash are blanked in every row. -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true, unique_key=['node_id', '_batch_at'], full_refresh=false) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set suppressions = ref('int_idr__suppressions') -%}
{#- read on incremental runs (named here so that dbt sees the dependencies while parsing) -#}
{%- set id_graph_updates = ref('id_graph_updates') -%}
{%- set id_map = ref('idr_profile_id_map') -%}
{%- set any_suppressed = identity_resolution.idr_suppression_changes(suppressions, watermark)['any_active'] -%}

with identifiers as (

    {# every identifier in a profile now #}
    select
        nodes.node_id,
        nodes.identifier_type,
        nodes.identifier_value,
        node_profiles.profile_id
    from {{ ref('int_idr__node_profiles') }} as node_profiles
    inner join {{ ref('int_idr__nodes') }} as nodes
        on node_profiles.node_id = nodes.node_id
    where node_profiles.profile_id is not null

),

latest_changes as (

    {# each identifier's latest change in the change log (since the last run): why it is where it is #}
    select *
    from (
        select
            identifier_changes.*,
            row_number() over (partition by identifier_changes.node_id order by identifier_changes.run_at desc)
                as change_order
        from {{ ref('idr_identifier_changes') }} as identifier_changes
        {%- if incremental %}
        where identifier_changes._batch_at > {{ watermark }}
        {%- endif %}
    ) as ranked
    where change_order = 1

),

{%- if incremental %}

mapped as (

    {# each identifier's latest row here #}
    select *
    from (
        select
            previous.*,
            row_number() over (partition by previous.node_id order by previous._batch_at desc) as row_order
        from {{ this }} as previous
    ) as ranked
    where row_order = 1

),

remapped_ids as (

    {# profile ids that id_graph maps elsewhere since the last run #}
    select *
    from (
        select
            id_graph_updates.*,
            row_number() over (partition by id_graph_updates.segment_id order by id_graph_updates.seq desc)
                as update_order
        from {{ id_graph_updates }} as id_graph_updates
        where id_graph_updates.uuid_ts > {{ watermark }}
    ) as ranked
    where update_order = 1

),

candidates as (

    select node_id from latest_changes
    union
    select mapped.node_id
    from mapped
    inner join remapped_ids
        on mapped.segment_id = remapped_ids.segment_id
    where mapped.__operation = 'CREATED'

),
{%- else %}

candidates as (

    select node_id from identifiers

),
{%- endif %}

states as (

    select
        candidates.node_id,
        identifiers.identifier_type,
        identifiers.identifier_value,
        identifiers.profile_id,
        {%- if incremental %}
        mapped.external_id_type as mapped_type,
        mapped.external_id_value as mapped_value,
        mapped.segment_id as mapped_segment_id,
        mapped.__operation as mapped_operation,
        id_map.current_profile_id as mapped_profile_id,
        {#- no event of its own this run: the event that moved its profile id, or created its new one #}
        {%- for column, alias in [('triggering_event_type', 'remap_event_type'), ('triggering_event_id', 'remap_event_id'),
            ('triggering_event_name', 'remap_event_name'), ('triggering_event_source_name', 'remap_source_name'),
            ('timestamp', 'remap_occurred_at')] %}
        case when remapped_ids.triggering_event_id is not null then remapped_ids.{{ column }} else arrived.{{ column }} end
            as {{ alias }},
        {%- endfor %}
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as mapped_type,
        cast(null as {{ dbt.type_string() }}) as mapped_value,
        cast(null as {{ dbt.type_string() }}) as mapped_segment_id,
        cast(null as {{ dbt.type_string() }}) as mapped_operation,
        cast(null as {{ dbt.type_string() }}) as mapped_profile_id,
        cast(null as {{ dbt.type_string() }}) as remap_event_type,
        cast(null as {{ dbt.type_string() }}) as remap_event_id,
        cast(null as {{ dbt.type_string() }}) as remap_event_name,
        cast(null as {{ dbt.type_string() }}) as remap_source_name,
        cast(null as {{ dbt.type_timestamp() }}) as remap_occurred_at,
        {%- endif %}
        latest_changes.change_type as last_change_type,
        latest_changes.identifier_type as last_type,
        latest_changes.identifier_value as last_value,
        latest_changes.previous_profile_id as last_previous_profile_id,
        latest_changes.triggering_source_name,
        latest_changes.triggering_event_id,
        latest_changes.triggering_occurred_at
    from candidates
    left join identifiers
        on candidates.node_id = identifiers.node_id
    left join latest_changes
        on candidates.node_id = latest_changes.node_id
    {%- if incremental %}
    left join mapped
        on candidates.node_id = mapped.node_id
    left join {{ id_map }} as id_map
        on mapped.segment_id = id_map.profile_id
    left join remapped_ids
        on mapped.segment_id = remapped_ids.segment_id
    left join remapped_ids as arrived
        on identifiers.profile_id = arrived.segment_id
    {%- endif %}

),

new_rows as (

    {# an identifier whose latest row no longer leads to its profile: a row naming its profile #}
    select
        node_id,
        identifier_type,
        identifier_value,
        profile_id as segment_id,
        'CREATED' as operation,
        case
            when mapped_segment_id is null or mapped_operation = 'REMOVED' then 'mapped'
            when last_change_type = 'moved' then 'moved'
            else 'remapped'
        end as change_type,
        coalesce(triggering_source_name, remap_source_name) as triggering_source_name,
        coalesce(triggering_event_id, remap_event_id) as triggering_event_id,
        coalesce(triggering_occurred_at, remap_occurred_at) as triggering_occurred_at,
        case when triggering_event_id is null then remap_event_type end as remap_event_type,
        case when triggering_event_id is null then remap_event_name end as remap_event_name
    from states
    where profile_id is not null
        and (mapped_segment_id is null
            or mapped_operation = 'REMOVED'
            or mapped_profile_id is null
            or mapped_profile_id <> profile_id)

    union all

    {# an identifier no longer in any profile (suppressed, or no event carries it) #}
    select
        node_id,
        coalesce(last_type, mapped_type) as identifier_type,
        coalesce(last_value, mapped_value) as identifier_value,
        coalesce(last_previous_profile_id, mapped_profile_id, mapped_segment_id) as segment_id,
        'REMOVED' as operation,
        'removed' as change_type,
        triggering_source_name,
        triggering_event_id,
        triggering_occurred_at,
        cast(null as {{ dbt.type_string() }}) as remap_event_type,
        cast(null as {{ dbt.type_string() }}) as remap_event_name
    from states
    where profile_id is null
        and mapped_operation = 'CREATED'

),

{{ identity_resolution._idr_profiles_sync_trigger_events('new_rows') }}

suppressed as (

    select node_id from {{ suppressions }} where is_active

),

written as (

    select
        new_rows.node_id,
        new_rows.identifier_type,
        case when new_rows.node_id in (select node_id from suppressed) then null else new_rows.identifier_value end
            as identifier_value,
        new_rows.segment_id,
        new_rows.operation,
        new_rows.change_type,
        coalesce(trigger_events.event_type, new_rows.remap_event_type) as triggering_event_type,
        new_rows.triggering_event_id,
        coalesce(trigger_events.event_name, new_rows.remap_event_name) as triggering_event_name,
        new_rows.triggering_source_name,
        new_rows.triggering_occurred_at
    from new_rows
    left join trigger_events
        on new_rows.triggering_source_name = trigger_events.source_name
        and new_rows.triggering_event_id = trigger_events.event_id
        and new_rows.triggering_occurred_at = trigger_events.occurred_at

),

final as (

    select
        {{ dbt.hash(dbt.concat(['cast(node_id as ' ~ dbt.type_string() ~ ')', "'@'",
            identity_resolution.idr_timestamp_text(identity_resolution.idr_batch_at())])) }} as id,
        {{ identity_resolution.idr_sha1(dbt.concat(['identifier_type', 'identifier_value'])) }} as external_id_hash,
        identifier_type as external_id_type,
        identifier_value as external_id_value,
        segment_id,
        triggering_event_type,
        triggering_event_id,
        triggering_event_name,
        triggering_source_name as triggering_event_source_name,
        triggering_occurred_at as timestamp,
        {{ identity_resolution.idr_timestamp_text(identity_resolution.idr_batch_at()) }} as seq,
        {{ identity_resolution.idr_batch_at() }} as uuid_ts,
        operation as __operation,
        change_type,
        '{{ invocation_id }}' as run_id,
        node_id,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from written
    {%- if incremental and any_suppressed %}

    union all

    {# earlier rows of an identifier suppressed since: the same rows, value and hash blanked #}
    select
        previous.id,
        cast(null as {{ dbt.type_string() }}) as external_id_hash,
        previous.external_id_type,
        cast(null as {{ dbt.type_string() }}) as external_id_value,
        previous.segment_id,
        previous.triggering_event_type,
        previous.triggering_event_id,
        previous.triggering_event_name,
        previous.triggering_event_source_name,
        previous.timestamp,
        previous.seq,
        previous.uuid_ts,
        previous.__operation,
        previous.change_type,
        previous.run_id,
        previous.node_id,
        previous._batch_at
    from {{ this }} as previous
    where previous.external_id_value is not null
        and previous.node_id in (select node_id from suppressed)
    {%- endif %}

)

select * from final
