{#- A SQL string literal for a Python string: quotes doubled, backslashes kept as written. -#}
{% macro idr_string_literal(value) %}
    {{- return(adapter.dispatch('idr_string_literal', 'identity_resolution')(value)) -}}
{% endmacro %}

{% macro default__idr_string_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{#- Spark string literals treat backslash as an escape character (spark.sql.parser.escapedStringLiterals is off by default). -#}
{% macro spark__idr_string_literal(value) -%}
    '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
