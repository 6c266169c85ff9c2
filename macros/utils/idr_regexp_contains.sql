{#- True when some part of `expr` matches the regular expression `pattern` (a Python string). -#}
{% macro idr_regexp_contains(expr, pattern) %}
    {{- return(adapter.dispatch('idr_regexp_contains', 'identity_resolution')(expr, pattern)) -}}
{% endmacro %}

{% macro default__idr_regexp_contains(expr, pattern) -%}
    regexp_like({{ expr }}, {{ identity_resolution.idr_string_literal(pattern) }})
{%- endmacro %}

{#- DuckDB: regexp_matches is the unanchored search (duckdb.org/docs/sql/functions/regular_expressions). -#}
{% macro duckdb__idr_regexp_contains(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ identity_resolution.idr_string_literal(pattern) }})
{%- endmacro %}

{#- Postgres spells matching as the ~ operator. -#}
{% macro postgres__idr_regexp_contains(expr, pattern) -%}
    ({{ expr }} ~ {{ identity_resolution.idr_string_literal(pattern) }})
{%- endmacro %}

{#- Spark: rlike is an unanchored search. -#}
{% macro spark__idr_regexp_contains(expr, pattern) -%}
    ({{ expr }} rlike {{ identity_resolution.idr_string_literal(pattern) }})
{%- endmacro %}

{#- BigQuery spells it regexp_contains. -#}
{% macro bigquery__idr_regexp_contains(expr, pattern) -%}
    regexp_contains({{ expr }}, {{ identity_resolution.idr_string_literal(pattern) }})
{%- endmacro %}
