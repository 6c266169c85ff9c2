{#- Replace every match of `pattern` in `expr` with `replacement` (both Python strings). -#}
{% macro idr_regexp_replace_all(expr, pattern, replacement) %}
    {{- return(adapter.dispatch('idr_regexp_replace_all', 'identity_resolution')(expr, pattern, replacement)) -}}
{% endmacro %}

{#- Snowflake, Spark, BigQuery and Databricks replace every match by default. -#}
{% macro default__idr_regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ identity_resolution.idr_string_literal(pattern) }}, {{ identity_resolution.idr_string_literal(replacement) }})
{%- endmacro %}

{#- DuckDB replaces the first match only unless given the 'g' option. -#}
{% macro duckdb__idr_regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ identity_resolution.idr_string_literal(pattern) }}, {{ identity_resolution.idr_string_literal(replacement) }}, 'g')
{%- endmacro %}

{#- Postgres replaces the first match only unless given the 'g' flag. -#}
{% macro postgres__idr_regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ identity_resolution.idr_string_literal(pattern) }}, {{ identity_resolution.idr_string_literal(replacement) }}, 'g')
{%- endmacro %}
