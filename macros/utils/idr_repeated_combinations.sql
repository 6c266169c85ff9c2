{#-
    A select of `columns` and row_count: each combination of their values that more than one row of
    `relation` satisfying `condition` (SQL on its columns) shares, nulls comparing equal as in a
    group by. The grain tests' question (idr_unique_combination).
-#}
{% macro idr_repeated_combinations(relation, columns, condition) %}
    {{- return(adapter.dispatch('idr_repeated_combinations', 'identity_resolution')(relation, columns, condition)) -}}
{% endmacro %}

{% macro default__idr_repeated_combinations(relation, columns, condition) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        count(*) as row_count
    from {{ relation }}
    where {{ condition }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{%- endmacro %}

{#- DuckDB: the rows are first counted against their distinct combinations, which DuckDB does
    without keeping a count per group; only when those differ (a repeat, a null key, or two
    combinations with the same hash) are they grouped to name the repeats. A single column is
    counted as it is; several are counted by DuckDB's 64-bit hash() of them (a repeat always
    hashes alike, and a collision only costs the group by). A first build checks 10-16M keys per
    table this way. -#}
{% macro duckdb__idr_repeated_combinations(relation, columns, condition) -%}
    {%- set key = columns[0] if columns | length == 1 else 'hash(' ~ columns | join(', ') ~ ')' -%}
    {%- set differ = '(select count(*) > count(distinct ' ~ key ~ ') from '
        ~ relation ~ ' where ' ~ condition ~ ')' -%}
    {{ identity_resolution.default__idr_repeated_combinations(relation, columns, '(' ~ condition ~ ') and ' ~ differ) }}
{%- endmacro %}
