{#- A UTC timestamp as text 'YYYY-MM-DD HH:MM:SS.ffffff' (for literals built from query results). -#}
{% macro idr_timestamp_text(expr) %}
    {{- return(adapter.dispatch('idr_timestamp_text', 'identity_resolution')(expr)) -}}
{% endmacro %}

{% macro default__idr_timestamp_text(expr) -%}
    to_char({{ expr }}, 'YYYY-MM-DD HH24:MI:SS.US')
{%- endmacro %}

{% macro duckdb__idr_timestamp_text(expr) -%}
    strftime({{ expr }}, '%Y-%m-%d %H:%M:%S.%f')
{%- endmacro %}

{#- Spark: date_format shows the session time zone; format the UTC wall clock instead. -#}
{% macro spark__idr_timestamp_text(expr) -%}
    date_format(to_utc_timestamp({{ expr }}, current_timezone()), 'yyyy-MM-dd HH:mm:ss.SSSSSS')
{%- endmacro %}
