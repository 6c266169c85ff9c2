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


{#-
    The same for `rows` that name their events: columns `key_column`, event_key and occurred_at.
    The earliest time of each key is found on these narrow rows; only the rows at that time are
    joined to `events` (a relation with event_key, source_name, event_id, occurred_at) for the
    tie-break on source name and event id, so the strings of every row are never grouped.
    `first_times` (optional): a relation or subquery of (`key_column`, occurred_at) that already
    holds the earliest time of every key of `rows`, read instead of grouping `rows` for it.
-#}
{% macro idr_earliest_event_of(rows, key_column, events, first_times=none) -%}
    {%- set tied -%}
    (
        select
            keyed_rows.{{ key_column }},
            events.source_name,
            events.event_id,
            events.occurred_at
        from {{ rows }} as keyed_rows
        inner join
        {%- if first_times is none %} (
            select {{ key_column }}, min(occurred_at) as occurred_at
            from {{ rows }}
            group by {{ key_column }}
        ) as first_times
        {%- else %} {{ first_times }} as first_times
        {%- endif %}
            on keyed_rows.{{ key_column }} = first_times.{{ key_column }}
            and keyed_rows.occurred_at = first_times.occurred_at
        inner join {{ events }} as events
            on keyed_rows.event_key = events.event_key
    ) as tied
    {%- endset -%}
    {{ identity_resolution.idr_earliest_event(tied, key_column) }}
{%- endmacro %}
