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

{#- DuckDB: aggregate only the few duplicated keys and pass the rest through, 2-3x faster than
    aggregating every field of every row. Candidates are found by a 64-bit hash of the key (a hash
    collision only sends two events down the exact path, which groups by the real key).
    DuckDB materialises a CTE read several times, so the inputs are still scanned once
    (duckdb.org/docs/sql/query_syntax/with). -#}
{% macro duckdb__idr_collapse_deliveries(relation, value_columns) -%}
    with hashed as (

        select
            *,
            hash(source_name, event_id) as delivery_key
        from {{ relation }}

    ),

    duplicated as (

        select delivery_key
        from hashed
        group by delivery_key
        having count(*) > 1

    )

    select
        source_name,
        event_id,
        occurred_at,
        event_type,
        event_name,
        1 as delivery_count,
        blocked_identifier_count,
        {%- for column in value_columns %}
        {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from hashed
    where delivery_key not in (select delivery_key from duplicated)

    union all

    {{ identity_resolution.default__idr_collapse_deliveries(
        '(select * from hashed where delivery_key in (select delivery_key from duplicated)) as repeated',
        value_columns) }}
{%- endmacro %}
