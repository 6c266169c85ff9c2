{%- set cfg = identity_resolution.idr_config() -%}
{{ config(materialized='idr_incremental', unique_key='event_key') }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set suppressions = ref('int_idr__suppressions') -%}
{%- set changes = identity_resolution.idr_suppression_changes(suppressions, watermark) -%}
{#- each slot's value as the graph sees it (null when suppressed), worked out once per row in
    `visible`: the anchor and the counts below read it many times -#}
{%- set visible = identity_resolution.idr_slot_values(cfg, 'winners',
    ('select node_id from ' ~ suppressions ~ ' where is_active') if changes['any_active'] else none) -%}
{%- set values = {} -%}
{%- for slot in cfg['event_slots'] -%}
    {%- do values.update({slot['column']: 'visible.' ~ slot['column'] ~ '__visible'}) -%}
{%- endfor -%}
{%- set anchor = identity_resolution.idr_anchor(cfg, values) -%}
{%- set salt = cfg['settings']['hash_salt'] -%}
{%- set delivery_columns = ['event_key', 'content_hash', 'source_name', 'event_id', 'event_version', 'occurred_at',
    'event_type', 'event_name', 'blocked_identifier_count', 'invalid_identifier_count', 'blocked_slot_mask',
    'invalid_slot_mask']
    + cfg['event_slots'] | map(attribute='column') | list -%}
{%- for trait in cfg['traits'] -%}
    {%- do delivery_columns.append('trait__' ~ trait) -%}
{%- endfor -%}

with deliveries as {{ identity_resolution.idr_inlined_cte() }}(

    select * from {{ ref('int_idr__deliveries') }}
    where quarantine_reason is null

),

{%- if incremental %}

changed_keys as (

    {# events with a new delivery, and events carrying an identifier whose suppression changed #}
    select distinct event_key
    from {{ ref('int_idr__deliveries') }}
    where _batch_at > {{ watermark }}
        and quarantine_reason is null
    {%- if changes['any_changed'] %}

    union

    select event_key
    from deliveries
    where
        {%- for slot in cfg['event_slots'] %}
        {{ identity_resolution.idr_node_id(cfg, "'" ~ slot['type'] ~ "'", slot['column']) }} in (
            select node_id from {{ suppressions }} where _batch_at > {{ watermark }})
        {%- if not loop.last %} or{% endif %}
        {%- endfor %}
    {%- endif %}

),

candidates as (

    {# the deliveries of those events: only their rows are read #}
    select *
    from {{ identity_resolution.idr_rows_where(ref('int_idr__deliveries'),
        'event_key in (select event_key from changed_keys)') }} as changed_deliveries
    where quarantine_reason is null

),
{%- else %}

candidates as {{ identity_resolution.idr_inlined_cte() }}(

    {# a first build reads every delivery: each reader scans the table for its own columns and rows #}
    select * from deliveries

),
{%- endif %}

counted as (

    select event_key, count(*) as delivery_rows
    from candidates
    group by event_key

),

repeated_keys as (

    select event_key from counted where delivery_rows > 1

),

single_deliveries as (

    {# the common case: one delivery, the event as delivered (one key, so no key collision) #}
    select
        {%- for column in delivery_columns %}
        candidates.{{ column }},
        {%- endfor %}
        1 as delivery_count,
        0 as conflicting_delivery_count,
        false as has_key_collision
    from candidates
    where not exists (
        select 1 from repeated_keys where repeated_keys.event_key = candidates.event_key
    )

),

repeated as (

    select candidates.*
    from candidates
    inner join repeated_keys
        on candidates.event_key = repeated_keys.event_key

),

collisions as (

    {# two events whose keys hash alike would share event_key: flagged, and a shipped test fails #}
    select
        event_key,
        min({{ dbt.concat(['source_name', "'/'", 'event_id', "'/'", "coalesce(event_version, '')"]) }})
            <> max({{ dbt.concat(['source_name', "'/'", 'event_id', "'/'", "coalesce(event_version, '')"]) }})
            as has_key_collision
    from repeated
    group by event_key

),

payloads as (

    {{ identity_resolution.idr_payload_text(cfg, 'repeated') | indent(4) }}

),

ranked as (

    {# deliveries that disagree: the earliest wins, then the smallest payload in byte order #}
    select
        repeated.*,
        payloads.payload_text,
        row_number() over (
            partition by repeated.event_key
            order by repeated.occurred_at, {{ identity_resolution.idr_binary_order('payloads.payload_text') }}
        ) as delivery_order
    from repeated
    inner join payloads
        on repeated.event_key = payloads.event_key
        and repeated.content_hash = payloads.content_hash

),

repeated_winners as (

    select
        {%- for column in delivery_columns %}
        winner.{{ column }},
        {%- endfor %}
        copies.delivery_count,
        copies.conflicting_delivery_count,
        collisions.has_key_collision
    from ranked as winner
    inner join (
        select
            ranked.event_key,
            sum(case when ranked.payload_text = first_payload.payload_text then 1 else 0 end) as delivery_count,
            sum(case when ranked.payload_text = first_payload.payload_text then 0 else 1 end)
                as conflicting_delivery_count
        from ranked
        inner join ranked as first_payload
            on ranked.event_key = first_payload.event_key
            and first_payload.delivery_order = 1
        group by ranked.event_key
    ) as copies
        on winner.event_key = copies.event_key
    inner join collisions
        on winner.event_key = collisions.event_key
    where winner.delivery_order = 1

),

winners as (

    select * from single_deliveries
    union all
    select * from repeated_winners

),

visible as (

    select
        winners.*,
        {%- for slot in cfg['event_slots'] %}
        {{ visible[slot['column']] }} as {{ slot['column'] }}__visible
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from winners

),

anchored as (

    select
        visible.event_key,
        visible.source_name,
        visible.event_id,
        visible.event_version,
        visible.occurred_at,
        visible.event_type,
        visible.event_name,
        visible.content_hash,
        visible.delivery_count,
        visible.conflicting_delivery_count,
        visible.has_key_collision,
        visible.blocked_identifier_count,
        visible.invalid_identifier_count,
        visible.blocked_slot_mask,
        visible.invalid_slot_mask,
        0
        {%- for slot in cfg['event_slots'] %}
        + case when visible.{{ slot['column'] }} is not null and ({{ values[slot['column']] }}) is null
            then 1 else 0 end
        {%- endfor %} as suppressed_identifier_count,
        0
        {%- for slot in cfg['event_slots'] %}
        + case when ({{ values[slot['column']] }}) is not null
            and not {{ identity_resolution.idr_repeated_slot(cfg, values, loop.index0) }}
            then 1 else 0 end
        {%- endfor %} as identifier_count,
        {{ anchor['type'] }} as resolved_by_type,
        {{ anchor['value'] }} as resolved_by_value
    from visible

),

final as (

    select
        anchored.event_key,
        anchored.source_name,
        anchored.event_id,
        anchored.event_version,
        anchored.occurred_at,
        anchored.event_type,
        anchored.event_name,
        anchored.content_hash,
        anchored.delivery_count,
        anchored.conflicting_delivery_count,
        anchored.identifier_count,
        anchored.blocked_identifier_count,
        anchored.invalid_identifier_count,
        anchored.blocked_slot_mask,
        anchored.invalid_slot_mask,
        anchored.suppressed_identifier_count,
        anchored.resolved_by_type,
        anchored.resolved_by_value,
        case when anchored.resolved_by_value is not null then
            {{ identity_resolution.idr_node_id(cfg, 'anchored.resolved_by_type', 'anchored.resolved_by_value') }}
        end as anchor_node_id,
        case
            when anchored.resolved_by_value is not null then null
            when anchored.suppressed_identifier_count > 0 then 'suppressed'
            when anchored.blocked_identifier_count > 0 and anchored.invalid_identifier_count > 0
                then 'all_identifiers_blocked_or_invalid'
            when anchored.blocked_identifier_count > 0 then 'all_identifiers_blocked'
            when anchored.invalid_identifier_count > 0 then 'all_identifiers_invalid'
            else 'no_identifiers'
        end as unresolved_reason,
        anchored.has_key_collision,
        {%- if incremental %}
        coalesce(previous.first_processed_at, {{ identity_resolution.idr_batch_at() }}) as first_processed_at,
        {%- else %}
        {{ identity_resolution.idr_batch_at() }} as first_processed_at,
        {%- endif %}
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from anchored
    {%- if incremental %}
    left join {{ identity_resolution.idr_rows_where(this,
        'event_key in (select event_key from changed_keys)') }}
        as previous
        on anchored.event_key = previous.event_key
    {%- endif %}

)

select * from final
