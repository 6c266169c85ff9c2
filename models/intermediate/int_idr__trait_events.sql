{%- set cfg = identity_resolution.idr_config() -%}
{#- a state model: the events that carry a trait, narrow, so that idr_profile_traits reads these
    rows only (about a tenth of the events at the benchmark's size), never every event and delivery -#}
{{ config(materialized='idr_incremental', unique_key='event_key', enabled=cfg['traits'] | length > 0) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set trait_columns = [] -%}
{%- for trait in cfg['traits'] -%}
    {%- do trait_columns.append('trait__' ~ trait) -%}
{%- endfor -%}

with changed_events as (

    select
        event_key,
        content_hash,
        anchor_node_id,
        source_name,
        event_id,
        occurred_at
    from {{ ref('int_idr__events') }}
    {%- if incremental %}
    where _batch_at > {{ watermark }}
    {%- endif %}

),

carried as (

    {# the traits of the delivery each event keeps #}
    select
        changed_events.event_key,
        changed_events.anchor_node_id,
        changed_events.source_name,
        changed_events.event_id,
        changed_events.occurred_at,
        {%- for column in trait_columns %}
        deliveries.{{ column }},
        {%- endfor %}
        coalesce({{ (trait_columns | map('replace', 'trait__', 'deliveries.trait__') | list) | join(', ') }}) is null
            as carries_no_trait
    from changed_events
    inner join {{ ref('int_idr__deliveries') }} as deliveries
        on changed_events.event_key = deliveries.event_key
        and changed_events.content_hash = deliveries.content_hash

),

final as (

    select
        event_key,
        anchor_node_id,
        source_name,
        event_id,
        occurred_at,
        {%- for column in trait_columns %}
        {{ column }},
        {%- endfor %}
        {%- if incremental %}
        {#- an event whose kept delivery changed to one without traits leaves #}
        carries_no_trait as _idr_deleted,
        {%- endif %}
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from carried
    {%- if not incremental %}
    where not carries_no_trait
    {%- endif %}

)

select * from final
