{#- Drop the relation idr_stage_changes wrote, where it outlives the session. -#}
{% macro idr_drop_staged_changes(staged) %}
    {{- return(adapter.dispatch('idr_drop_staged_changes', 'identity_resolution')(staged)) -}}
{% endmacro %}

{#- A temporary table: it ends with the session. -#}
{% macro default__idr_drop_staged_changes(staged) %}
{% endmacro %}

{#- Spark: a real table (see spark__idr_stage_changes). -#}
{% macro spark__idr_drop_staged_changes(staged) %}
    {%- do run_query('drop table if exists ' ~ staged) -%}
{% endmacro %}
