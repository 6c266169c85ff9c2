{#-
    For each `key_column` of `relation`, the latest non-blank value of each of `value_columns`:
    latest by `time_column`, then by the string `tie_break_columns` and the value itself (all
    descending, byte order). Returns a select of key_column, one column per value column (named
    as in `names`), and updated_at (the latest time among the values picked).
-#}
{% macro idr_latest_values(relation, key_column, value_columns, names, time_column, tie_break_columns) %}
    {{- return(adapter.dispatch('idr_latest_values', 'identity_resolution')(
        relation, key_column, value_columns, names, time_column, tie_break_columns)) -}}
{% endmacro %}

{#- Portable: unpivot to (key, name, value), rank by recency within (key, name), pivot back. -#}
{% macro default__idr_latest_values(relation, key_column, value_columns, names, time_column, tie_break_columns) -%}
    {%- set slots = [] -%}
    {%- for column in value_columns -%}
        {%- do slots.append({'label': names[loop.index0],
            'expr': "case when trim(" ~ column ~ ") <> '' then trim(" ~ column ~ ") end"}) -%}
    {%- endfor -%}
    with long_values as (

        {{ identity_resolution.idr_unpivot(relation, [key_column, time_column] + tie_break_columns, slots,
            'value_name', 'value') | indent(8) }}

    ),

    ranked as (

        select
            *,
            row_number() over (
                partition by {{ key_column }}, value_name
                order by
                    {{ time_column }} desc,
                    {%- for column in tie_break_columns + ['value'] %}
                    {{ identity_resolution.idr_binary_order(column) }} desc
                    {%- if not loop.last %},{% endif %}
                    {%- endfor %}
            ) as recency
        from long_values

    )

    select
        {{ key_column }},
        {%- for name in names %}
        max(case when value_name = '{{ name }}' then value end) as {{ name }},
        {%- endfor %}
        max({{ time_column }}) as updated_at
    from ranked
    where recency = 1
    group by {{ key_column }}
{%- endmacro %}

{#- DuckDB: arg_max over a struct of the ordering columns picks each latest value in one aggregate,
    with no unpivot, sort or pivot (duckdb.org/docs/sql/functions/aggregates). -#}
{% macro duckdb__idr_latest_values(relation, key_column, value_columns, names, time_column, tie_break_columns) -%}
    {%- set values = [] -%}
    {%- for column in value_columns -%}
        {%- do values.append("case when trim(" ~ column ~ ") <> '' then trim(" ~ column ~ ") end") -%}
    {%- endfor -%}
    select
        {{ key_column }},
        {%- for value in values %}
        arg_max({{ value }}, struct_pack({{ ([time_column] + tie_break_columns) | join(', ') }}, value := {{ value }}))
            filter (where {{ value }} is not null) as {{ names[loop.index0] }},
        {%- endfor %}
        max({{ time_column }}) filter (where coalesce({{ values | join(', ') }}) is not null) as updated_at
    from {{ relation }}
    group by {{ key_column }}
{%- endmacro %}
