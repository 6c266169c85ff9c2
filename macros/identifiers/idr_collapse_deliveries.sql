{#-
    One row per (source_name, event_id) of `relation`: duplicate deliveries collapse to the
    earliest time and, field by field, the smallest value (Segment's retries repeat the payload,
    so the fields agree), with delivery_count.

    relation       a relation or CTE name with source_name, event_id, occurred_at, event_type,
                   event_name, blocked_identifier_count and `value_columns`
    value_columns  the identifier and trait columns to carry
-#}
{% macro idr_collapse_deliveries(relation, value_columns) %}
    {{- return(adapter.dispatch('idr_collapse_deliveries', 'identity_resolution')(relation, value_columns)) -}}
{% endmacro %}

{#- Portable: one aggregate over every delivery (one scan of the inputs on every engine). -#}
{% macro default__idr_collapse_deliveries(relation, value_columns) -%}
    select
        source_name,
        event_id,
        min(occurred_at) as occurred_at,
        min(event_type) as event_type,
        min(event_name) as event_name,
        count(*) as delivery_count,
        max(blocked_identifier_count) as blocked_identifier_count,
        {%- for column in value_columns %}
        min({{ column }}) as {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ relation }}
    group by source_name, event_id
{%- endmacro %}

{#- DuckDB: aggregate only the few duplicated keys and pass the rest through; 2-3x faster than
    aggregating every field of every row. DuckDB materialises a CTE read several times, so the
    inputs are still scanned once (duckdb.org/docs/sql/query_syntax/with#cte-materialization). -#}
{% macro duckdb__idr_collapse_deliveries(relation, value_columns) -%}
    with duplicated as (

        select
            source_name,
            event_id
        from {{ relation }}
        group by source_name, event_id
        having count(*) > 1

    )

    select
        deliveries.source_name,
        deliveries.event_id,
        deliveries.occurred_at,
        deliveries.event_type,
        deliveries.event_name,
        1 as delivery_count,
        deliveries.blocked_identifier_count,
        {%- for column in value_columns %}
        deliveries.{{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ relation }} as deliveries
    left join duplicated
        on deliveries.source_name = duplicated.source_name
        and deliveries.event_id = duplicated.event_id
    where duplicated.event_id is null

    union all

    {{ identity_resolution.default__idr_collapse_deliveries(
        '(select deliveries.* from ' ~ relation ~ ' as deliveries inner join duplicated'
        ~ ' on deliveries.source_name = duplicated.source_name and deliveries.event_id = duplicated.event_id) as repeated',
        value_columns) }}
{%- endmacro %}
