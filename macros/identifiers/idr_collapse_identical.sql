{#-
    One row per distinct row of `relation` (a relation or CTE name): identical rows (a row loaded
    twice) are one. Identical rows share `key_columns` (a hash of the whole row), so only rows whose
    key repeats need grouping by every column.
-#}
{% macro idr_collapse_identical(relation, key_columns, columns) %}
    {{- return(adapter.dispatch('idr_collapse_identical', 'identity_resolution')(relation, key_columns, columns)) -}}
{% endmacro %}

{#- Portable: distinct over every column (one scan). -#}
{% macro default__idr_collapse_identical(relation, key_columns, columns) -%}
    select distinct
        {%- for column in columns %}
        {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ relation }}
{%- endmacro %}

{#- DuckDB: find the repeated keys by grouping the key alone (once, in a materialized CTE), pass
    every other row through and group only the repeated ones (2-3x faster than grouping every column
    of every row). `relation` is read three times: the caller makes it a materialized CTE, so that
    its rows are computed once. -#}
{% macro duckdb__idr_collapse_identical(relation, key_columns, columns) -%}
    with repeated_keys as materialized (
        select {{ key_columns | join(', ') }}
        from {{ relation }}
        group by {{ key_columns | join(', ') }}
        having count(*) > 1
    )

    select
        {%- for column in columns %}
        rows_once.{{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ relation }} as rows_once
    anti join repeated_keys using ({{ key_columns | join(', ') }})

    union all

    {{ identity_resolution.default__idr_collapse_identical(
        '(select rows_repeated.* from ' ~ relation ~ ' as rows_repeated semi join repeated_keys using ('
        ~ key_columns | join(', ') ~ ')) as repeated',
        key_columns, columns) }}
{%- endmacro %}
