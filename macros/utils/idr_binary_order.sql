{#-
    `expr` as it should be compared when strings decide an order (ties in the resolution order,
    node numbering): byte / code point order, the same on every engine.
-#}
{% macro idr_binary_order(expr) %}
    {{- return(adapter.dispatch('idr_binary_order', 'identity_resolution')(expr)) -}}
{% endmacro %}

{#- DuckDB, Spark, BigQuery and Snowflake (default collation) compare strings by code point. -#}
{% macro default__idr_binary_order(expr) -%}
    {{ expr }}
{%- endmacro %}

{#- Postgres compares by the database's locale (en_US ignores punctuation and case at first level); "C" is byte order. -#}
{% macro postgres__idr_binary_order(expr) -%}
    ({{ expr }}) collate "C"
{%- endmacro %}
