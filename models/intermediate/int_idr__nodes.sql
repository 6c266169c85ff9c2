{%- set source_names = identity_resolution.idr_source_names() -%}
with event_identifiers as (

    select * from {{ ref('int_idr__event_identifiers') }}

),

identifiers as (

    select
        identifier_type,
        identifier_value,
        {{ identity_resolution.idr_type_case('identifier_type', 'rank') }} as priority_rank,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        count(*) as event_count,
        {#- events this identifier decides (it is their anchor) -#}
        sum(case when identifier_type = anchor_type and identifier_value = anchor_value then 1 else 0 end)
            as anchored_event_count,
        max(case when identifier_type = anchor_type and identifier_value = anchor_value then occurred_at end)
            as last_anchored_event_at,
        {%- for source_name in source_names %}
        max(case when source_name = '{{ source_name }}' then 1 else 0 end) as from_source_{{ loop.index }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from event_identifiers
    group by identifier_type, identifier_value

),

final as (

    {# numbered by (priority, type, value): within one type node_id follows the value's byte
       order, so the tie-breaks of the resolution order compare integers #}
    select
        row_number() over (
            order by
                priority_rank,
                {{ identity_resolution.idr_binary_order('identifier_type') }},
                {{ identity_resolution.idr_binary_order('identifier_value') }}
        ) as node_id,
        identifier_type,
        identifier_value,
        priority_rank,
        first_seen_at,
        last_seen_at,
        event_count,
        anchored_event_count,
        last_anchored_event_at,
        substr(
            {{ dbt.concat(identity_resolution._idr_source_flags(source_names)) }},
            3
        ) as sources
    from identifiers

)

select * from final
