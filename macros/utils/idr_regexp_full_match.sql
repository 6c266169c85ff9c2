{#- True when the whole of `expr` matches the regular expression `pattern` (a Python string). -#}
{% macro idr_regexp_full_match(expr, pattern) %}
    {{- return(adapter.dispatch('idr_regexp_full_match', 'identity_resolution')(expr, pattern)) -}}
{% endmacro %}

{% macro default__idr_regexp_full_match(expr, pattern) -%}
    regexp_like({{ expr }}, {{ identity_resolution.idr_string_literal('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}

{#- DuckDB: regexp_full_match is anchored and skips building an anchored pattern (duckdb.org/docs/sql/functions/regular_expressions). -#}
{% macro duckdb__idr_regexp_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, {{ identity_resolution.idr_string_literal(pattern) }})
{%- endmacro %}

{#- Postgres has no regexp_like before 15 and spells matching as the ~ operator. -#}
{% macro postgres__idr_regexp_full_match(expr, pattern) -%}
    ({{ expr }} ~ {{ identity_resolution.idr_string_literal('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}

{#- Spark: rlike is the portable spelling across Spark 3 and 4 (regexp_like needs 3.2+). -#}
{% macro spark__idr_regexp_full_match(expr, pattern) -%}
    ({{ expr }} rlike {{ identity_resolution.idr_string_literal('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}

{#- BigQuery spells it regexp_contains. -#}
{% macro bigquery__idr_regexp_full_match(expr, pattern) -%}
    regexp_contains({{ expr }}, {{ identity_resolution.idr_string_literal('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}
