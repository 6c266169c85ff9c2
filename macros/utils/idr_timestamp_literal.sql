{#- A UTC timestamp literal from text 'YYYY-MM-DD HH:MM:SS[.ffffff]', independent of the session time zone. -#}
{% macro idr_timestamp_literal(text) %}
    {{- return(adapter.dispatch('idr_timestamp_literal', 'identity_resolution')(text)) -}}
{% endmacro %}

{% macro default__idr_timestamp_literal(text) -%}
    cast('{{ text }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Spark: a string without a zone is read in the session time zone; 'Z' makes it UTC. -#}
{% macro spark__idr_timestamp_literal(text) -%}
    cast('{{ text }}Z' as timestamp)
{%- endmacro %}
