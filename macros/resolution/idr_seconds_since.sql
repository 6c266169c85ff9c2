{#- Seconds since `started` (a datetime), formatted for log lines. -#}
{% macro idr_seconds_since(started) %}
    {{ return('%.3f' | format((modules.datetime.datetime.now() - started).total_seconds())) }}
{% endmacro %}
