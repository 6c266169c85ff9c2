{#- The smallest of `expressions` in byte order, ignoring nulls (null when all are null). -#}
{% macro idr_least_binary(expressions) %}
    {%- if expressions | length == 1 -%}
        {{ return(expressions[0]) }}
    {%- endif -%}
    {{- return(adapter.dispatch('idr_least_binary', 'identity_resolution')(expressions)) -}}
{% endmacro %}

{#- Snowflake and BigQuery: least() is null when any argument is; nulls become a value after every
    string (U+10FFFF) first. -#}
{% macro default__idr_least_binary(expressions) -%}
    {%- set sentinel = "'\U0010FFFF'" -%}
    {%- set ordered = [] -%}
    {%- for expression in expressions -%}
        {%- do ordered.append(identity_resolution.idr_binary_order('coalesce(' ~ expression ~ ', ' ~ sentinel ~ ')')) -%}
    {%- endfor -%}
    nullif(least({{ ordered | join(', ') }}), {{ sentinel }})
{%- endmacro %}

{#- DuckDB, PostgreSQL and Spark: least() ignores nulls. -#}
{% macro _idr_least_ignoring_nulls(expressions) -%}
    {%- set ordered = [] -%}
    {%- for expression in expressions -%}
        {%- do ordered.append(identity_resolution.idr_binary_order(expression)) -%}
    {%- endfor -%}
    least({{ ordered | join(', ') }})
{%- endmacro %}

{% macro duckdb__idr_least_binary(expressions) -%}
    {{ identity_resolution._idr_least_ignoring_nulls(expressions) }}
{%- endmacro %}

{% macro postgres__idr_least_binary(expressions) -%}
    {{ identity_resolution._idr_least_ignoring_nulls(expressions) }}
{%- endmacro %}

{% macro spark__idr_least_binary(expressions) -%}
    {{ identity_resolution._idr_least_ignoring_nulls(expressions) }}
{%- endmacro %}
