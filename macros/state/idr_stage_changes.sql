{#-
    Write the rows an incremental run of the current model changes (the model's SQL) into a
    relation of their own, and return it. The materializations then check whether it has any row
    (a run with nothing new writes nothing) and apply it with idr_apply_changes. Drop it with
    idr_drop_staged_changes once applied.
-#}
{% macro idr_stage_changes(target_relation, sql) %}
    {{- return(adapter.dispatch('idr_stage_changes', 'identity_resolution')(target_relation, sql)) -}}
{% endmacro %}

{#- DuckDB, PostgreSQL and most warehouses: a temporary table of the session. -#}
{% macro default__idr_stage_changes(target_relation, sql) %}
    {%- set staged = make_temp_relation(target_relation) -%}
    {%- do run_query(get_create_table_as_sql(True, staged, sql)) -%}
    {{ return(staged) }}
{% endmacro %}

{#- Spark: dbt's temporary relation is a view, which would run the model's query again each time it
    is read (the emptiness check, then twice in the rewrite): write a parquet table instead. -#}
{% macro spark__idr_stage_changes(target_relation, sql) %}
    {%- set staged = target_relation.incorporate(path={'identifier': target_relation.identifier ~ '__idr_changes'}) -%}
    {%- do run_query('drop table if exists ' ~ staged) -%}
    {%- do run_query('create table ' ~ staged ~ ' using parquet as ' ~ sql) -%}
    {{ return(staged) }}
{% endmacro %}
