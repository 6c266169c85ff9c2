{#- One Unicode code point (an integer) as an escape inside a regular-expression character class. -#}
{% macro idr_regexp_code_point(code_point) %}
    {{- return(adapter.dispatch('idr_regexp_code_point', 'identity_resolution')(code_point)) -}}
{% endmacro %}

{#- RE2 (DuckDB, BigQuery), Java (Spark) and ICU (Snowflake) read \x{hhhh}. -#}
{% macro default__idr_regexp_code_point(code_point) -%}
    {{- '\\x{%04X}' | format(code_point) -}}
{%- endmacro %}

{#- PostgreSQL's regular expressions read \uhhhh and \Uhhhhhhhh, not \x{...}. -#}
{% macro postgres__idr_regexp_code_point(code_point) -%}
    {{- ('\\u%04X' | format(code_point)) if code_point < 65536 else ('\\U%08X' | format(code_point)) -}}
{%- endmacro %}
