{#- Run one statement of a resolution loop, discarding any result. -#}
{% macro idr_run_sql(sql) %}
    {%- call statement('idr_resolution_step', fetch_result=false) -%}
        {{ sql }}
    {%- endcall -%}
{% endmacro %}
