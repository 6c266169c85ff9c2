{#- Aggregate the strings of `expr` into one, separated by `delimiter` (a Python string), in byte order. -#}
{% macro idr_sorted_listagg(expr, delimiter) %}
    {{- return(adapter.dispatch('idr_sorted_listagg', 'identity_resolution')(expr, delimiter)) -}}
{% endmacro %}

{% macro default__idr_sorted_listagg(expr, delimiter) -%}
    {{ dbt.listagg(expr, identity_resolution.idr_string_literal(delimiter), 'order by ' ~ identity_resolution.idr_binary_order(expr)) }}
{%- endmacro %}

{#- Spark: dbt-spark's listagg ignores its order by (collect_list has no order); sort the array instead. -#}
{% macro spark__idr_sorted_listagg(expr, delimiter) -%}
    array_join(array_sort(collect_list({{ expr }})), {{ identity_resolution.idr_string_literal(delimiter) }})
{%- endmacro %}
