{#-
    One row per distinct row (a row loaded twice is one) of `relation` (a CTE or relation name)
    with `computed` added: a list of [name, SQL expression] pairs (the row's hashes), computed per
    row. Returns `columns`. `screen_columns` are columns every two identical rows share that are
    cheap to read (no computed column among them): only rows that share them with another row
    can be copies. `probe_column` (optional), one of them, is used to read the repeated rows back
    cheaply (DuckDB).
-#}
{% macro idr_collapse_identical(relation, computed, screen_columns, columns, probe_column=none) %}
    {{- return(adapter.dispatch('idr_collapse_identical', 'identity_resolution')(
        relation, computed, screen_columns, columns, probe_column)) -}}
{% endmacro %}

{#- Portable: distinct over every column (one scan). -#}
{% macro default__idr_collapse_identical(relation, computed, screen_columns, columns, probe_column=none) -%}
    select distinct
        {%- for column in columns %}
        {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ identity_resolution._idr_with_computed(relation, computed) }} as keyed
{%- endmacro %}

{#- DuckDB: the screen columns of every row are grouped first (one 64-bit hash() per row: a
    collision only sends a row down the slower path). A row whose screen is unique is passed
    through; the few others are grouped by every column. `relation` is read three times (four
    with a probe column) and must be inlined (idr_inlined_cte): storing 10M wide rows to group them all took 2 GB more and,
    under a memory cap, 50% longer.
    Reading the repeated rows back by their screen alone computes every row of `relation` (its
    staging) to keep a handful: a hash of several columns is not a filter DuckDB can move into
    the table scans. So they are read by `probe_column` too (a screen column that is usually a
    table column unchanged): DuckDB turns `probe_column in (<a few values>)` into a filter on the
    scans (dynamic join filters), and only those rows are staged (5.0 -> 2.3 s at 10.6M rows).
    That read is exact only for screens whose rows all hold one non-null probe value (always,
    but for a null probe or a hash collision); the rows of any other screen are read by their
    screen alone, a read that costs nothing when there are none (an empty join side ends it). -#}
{% macro duckdb__idr_collapse_identical(relation, computed, screen_columns, columns, probe_column=none) -%}
    {%- set screen = 'hash(' ~ screen_columns | join(', ') ~ ')' -%}
    {%- if probe_column is none -%}
        {%- set repeated_rows = '(select * from ' ~ relation ~ ' where ' ~ screen
            ~ ' in (select screen_key from repeated_screens))' -%}
    {%- else -%}
        {%- set repeated_rows -%}
        (select * from {{ relation }}
        where {{ screen }} in (select screen_key from repeated_screens)
            and {{ probe_column }} in (select probe_value from repeated_screens where is_uniform)
        union all
        select * from {{ relation }}
        where {{ screen }} in (select screen_key from repeated_screens where not is_uniform))
        {%- endset -%}
    {%- endif -%}
    with repeated_screens as materialized (
        select
            {{ screen }} as screen_key
            {%- if probe_column is not none %},
            min({{ probe_column }}) as probe_value,
            count({{ probe_column }}) = count(*) and min({{ probe_column }}) = max({{ probe_column }}) as is_uniform
            {%- endif %}
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

    {{ identity_resolution.default__idr_collapse_identical(repeated_rows, computed, screen_columns, columns) }}
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
