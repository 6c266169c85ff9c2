{#- One log line of the resolution: `idr <model> <message>`. -#}
{% macro idr_log(message) %}
    {%- do log('idr ' ~ this.identifier ~ ' ' ~ message, info=true) -%}
{% endmacro %}
