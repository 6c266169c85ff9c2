{#-
    One row per distinct row (a row loaded twice is one) of `relation` (a CTE or relation name)
    with `computed` added: a list of [name, SQL expression] pairs (the row's hashes), computed per
    row. Returns `columns`. `screen_columns` are columns every two identical rows share that are
    cheap to read (no computed column among them): only rows that share them with another row
    can be copies.
-#}
{% macro idr_collapse_identical(relation, computed, screen_columns, columns) %}
    {{- return(adapter.dispatch('idr_collapse_identical', 'identity_resolution')(
        relation, computed, screen_columns, columns)) -}}
{% endmacro %}

{#- Portable: distinct over every column (one scan). -#}
{% macro default__idr_collapse_identical(relation, computed, screen_columns, columns) -%}
    select distinct
        {%- for column in columns %}
        {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ identity_resolution._idr_with_computed(relation, computed) }} as keyed
{%- endmacro %}

{#- DuckDB: the screen columns of every row are grouped first (one 64-bit hash() per row: a
    collision only sends a row down the slower path). A row whose screen is unique is passed
    through; the few others are grouped by every column. `relation` is read three times and must
    be inlined (idr_inlined_cte): storing 10M wide rows to group them all took 2 GB more and,
    under a memory cap, 50% longer. -#}
{% macro duckdb__idr_collapse_identical(relation, computed, screen_columns, columns) -%}
    {%- set screen = 'hash(' ~ screen_columns | join(', ') ~ ')' -%}
    with repeated_screens as materialized (
        select {{ screen }} as screen_key
        from {{ relation }}
        group by 1
        having count(*) > 1
    )

    select
        {%- for column in columns %}
        {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ identity_resolution._idr_with_computed(
        '(select * from ' ~ relation ~ ' where ' ~ screen ~ ' not in (select screen_key from repeated_screens))',
        computed) }} as rows_once

    union all

    {{ identity_resolution.default__idr_collapse_identical(
        '(select * from ' ~ relation ~ ' where ' ~ screen ~ ' in (select screen_key from repeated_screens))',
        computed, screen_columns, columns) }}
{%- endmacro %}

{#- `relation` with the `computed` columns first, as a parenthesised select. -#}
{% macro _idr_with_computed(relation, computed) -%}
    (select
        {%- for name, expression in computed %}
        {{ expression }} as {{ name }},
        {%- endfor %}
        rows_in.*
    from {{ relation }} as rows_in)
{%- endmacro %}
