{#- Drop work table `relation` if it exists. -#}
{% macro idr_drop_work_table(relation) %}
    {%- do identity_resolution.idr_run_sql('drop table if exists ' ~ relation) -%}
{% endmacro %}
