{%- set cfg = identity_resolution.idr_config() -%}
{#- a state model: which identifiers each event carries. A row that stops being true is kept as a
    tombstone (is_current = false), so that the models downstream see the identifier it touched -#}
{{ config(materialized='idr_incremental', unique_key=['event_key', 'node_id']) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set suppressions = ref('int_idr__suppressions') -%}
{%- set changes = identity_resolution.idr_suppression_changes(suppressions, watermark) -%}
{#- each slot's value as the graph sees it (null when suppressed), worked out once per row in
    `visible`; the unpivot reads it twice per slot (the value, and the repeat check of later slots) -#}
{%- set visible = identity_resolution.idr_slot_values(cfg, 'winners',
    ('select node_id from ' ~ suppressions ~ ' where is_active') if changes['any_active'] else none) -%}
{%- set values = identity_resolution.idr_slot_values(cfg, 'wide') -%}
{%- set slots = [] -%}
{%- for slot in cfg['event_slots'] -%}
    {%- do slots.append({
        'label': slot['type'],
        'expr': 'case when ' ~ identity_resolution.idr_repeated_slot(cfg, values, loop.index0)
            ~ ' then null else ' ~ values[slot['column']] ~ ' end'}) -%}
{%- endfor -%}

with changed_events as (

    select
        event_key,
        content_hash,
        source_name,
        occurred_at,
        anchor_node_id
    from {{ ref('int_idr__events') }}
    {%- if incremental %}
    where _batch_at > {{ watermark }}
    {%- endif %}

),

winners as (

    {# the delivery each event keeps, with its identifier columns #}
    select
        changed_events.event_key,
        changed_events.source_name,
        changed_events.occurred_at,
        changed_events.anchor_node_id,
        {%- for slot in cfg['event_slots'] %}
        deliveries.{{ slot['column'] }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from changed_events
    inner join {{ identity_resolution.idr_rows_where(ref('int_idr__deliveries'),
        'event_key in (select event_key from changed_events)' if incremental else none) }} as deliveries
        on changed_events.event_key = deliveries.event_key
        and changed_events.content_hash = deliveries.content_hash

),

visible as (

    select
        winners.event_key,
        winners.source_name,
        winners.occurred_at,
        winners.anchor_node_id,
        {%- for slot in cfg['event_slots'] %}
        {{ visible[slot['column']] }} as {{ slot['column'] }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from winners

),

carried as (

    {{ identity_resolution.idr_unpivot('visible', ['event_key', 'source_name', 'occurred_at', 'anchor_node_id'], slots,
        'identifier_type', 'identifier_value') | indent(4) }}

),

current_rows as (

    select
        event_key,
        {{ identity_resolution.idr_node_id(cfg, 'identifier_type', 'identifier_value') }} as node_id,
        identifier_type,
        identifier_value,
        anchor_node_id,
        occurred_at,
        case source_name
            {%- for name in cfg['source_names'] %}
            when '{{ name }}' then {{ loop.index }}
            {%- endfor %}
        end as source_ordinal,
        true as is_current
    from carried

),

final as (

    {%- if incremental %}
    {# new or changed rows; a row whose event changed anchor remembers the old one, so that the
        edge it used to make is recounted downstream #}
    select
        current_rows.*,
        case
            when previous.is_current and previous.anchor_node_id <> current_rows.anchor_node_id
                then previous.anchor_node_id
        end as previous_anchor_node_id,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from current_rows
    left join {{ identity_resolution.idr_rows_where(this,
        'event_key in (select event_key from changed_events)') }}
        as previous
        on current_rows.event_key = previous.event_key
        and current_rows.node_id = previous.node_id
    where previous.event_key is null
        or not previous.is_current
        or previous.anchor_node_id <> current_rows.anchor_node_id
        or previous.occurred_at <> current_rows.occurred_at

    union all

    {# rows no longer true: tombstones (the value is dropped: it may be a suppressed identifier) #}
    select
        previous.event_key,
        previous.node_id,
        previous.identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_value,
        previous.anchor_node_id,
        previous.occurred_at,
        previous.source_ordinal,
        false as is_current,
        cast(null as {{ dbt.type_bigint() }}) as previous_anchor_node_id,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from {{ identity_resolution.idr_rows_where(this,
        'event_key in (select event_key from changed_events)') }}
        as previous
    inner join changed_events
        on previous.event_key = changed_events.event_key
    left join current_rows
        on previous.event_key = current_rows.event_key
        and previous.node_id = current_rows.node_id
    where previous.is_current
        and current_rows.event_key is null
    {%- else %}
    select
        current_rows.*,
        cast(null as {{ dbt.type_bigint() }}) as previous_anchor_node_id,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from current_rows
    {%- endif %}

)

select * from final
