{#-
    Long format of one staging relation, in a single scan: for each delivered row, one header row
    (identifier_type null) carrying the event's attributes, then one row per identifier slot that
    holds a value.

    relation           the staging relation
    source_name_sql    SQL for the source name ('segment.tracks' or a column)
    slots              list of {slot, type}: the identifier columns of the relation
    Columns: source_name, event_id, occurred_at, event_type, event_name, blocked_identifier_count,
             identifier_type, identifier_value
-#}
{% macro idr_unpivot_identifiers(relation, source_name_sql, slots) %}
    {{- return(adapter.dispatch('idr_unpivot_identifiers', 'identity_resolution')(relation, source_name_sql, slots)) -}}
{% endmacro %}

{#- Portable: cross join to a small slot list and pick the slot's column with a case. -#}
{% macro default__idr_unpivot_identifiers(relation, source_name_sql, slots) -%}
    {%- set string_type = dbt.type_string() -%}
    select
        source_name,
        event_id,
        occurred_at,
        event_type,
        event_name,
        blocked_identifier_count,
        identifier_type,
        identifier_value
    from (
        select
            {{ source_name_sql }} as source_name,
            staged.event_id,
            staged.occurred_at,
            case when slots.slot_index = 0 then staged.event_type end as event_type,
            case when slots.slot_index = 0 then staged.event_name end as event_name,
            case when slots.slot_index = 0 then staged.blocked_identifier_count end as blocked_identifier_count,
            slots.identifier_type,
            case slots.slot_index
                {%- for slot in slots %}
                when {{ loop.index }} then staged.{{ slot['slot'] }}
                {%- endfor %}
            end as identifier_value
        from {{ relation }} as staged
        cross join (
            select 0 as slot_index, cast(null as {{ string_type }}) as identifier_type
            {%- for slot in slots %}
            union all select {{ loop.index }}, '{{ slot["type"] }}'
            {%- endfor %}
        ) as slots
    ) as unpivoted
    where identifier_type is null or identifier_value is not null
{%- endmacro %}
