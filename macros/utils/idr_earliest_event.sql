{#-
    A select of `key_column`, source_name, event_id and occurred_at: for each key of `rows` (a CTE
    or relation with those columns), its earliest event by occurred_at, then source_name, then
    event_id, strings in byte order on every engine (the change log's triggering event).
-#}
{% macro idr_earliest_event(rows, key_column) %}
    {{- return(adapter.dispatch('idr_earliest_event', 'identity_resolution')(rows, key_column)) -}}
{% endmacro %}

{% macro default__idr_earliest_event(rows, key_column) -%}
    select {{ key_column }}, source_name, event_id, occurred_at
    from (
        select
            {{ key_column }},
            source_name,
            event_id,
            occurred_at,
            row_number() over (
                partition by {{ key_column }}
                order by
                    occurred_at,
                    {{ identity_resolution.idr_binary_order('source_name') }},
                    {{ identity_resolution.idr_binary_order('event_id') }}
            ) as event_order
        from {{ rows }}
    ) as ranked
    where event_order = 1
{%- endmacro %}

{#- DuckDB: the least (occurred_at, source_name, event_id) of a key is the min of a struct of them
    (compared field by field, strings in byte order as in an order by): one hash aggregate where
    the window sorts every row (a first build ranks every occurrence). -#}
{% macro duckdb__idr_earliest_event(rows, key_column) -%}
    select
        {{ key_column }},
        struct_extract(earliest, 'source_name') as source_name,
        struct_extract(earliest, 'event_id') as event_id,
        struct_extract(earliest, 'occurred_at') as occurred_at
    from (
        select {{ key_column }}, min(struct_pack(occurred_at, source_name, event_id)) as earliest
        from {{ rows }}
        group by {{ key_column }}
    ) as grouped
{%- endmacro %}
