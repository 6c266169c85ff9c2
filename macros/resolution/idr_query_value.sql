{#- Run a query and return the first column of its first row (none when there is no row). -#}
{% macro idr_query_value(sql) %}
    {%- set result = run_query(sql) -%}
    {%- if result is none or result.rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(result.rows[0][0]) }}
{% endmacro %}
