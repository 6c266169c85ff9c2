{#- (Re)create work table `relation` from `select_sql`. -#}
{% macro idr_create_work_table(relation, select_sql) %}
    {{- return(adapter.dispatch('idr_create_work_table', 'identity_resolution')(relation, select_sql)) -}}
{% endmacro %}

{% macro default__idr_create_work_table(relation, select_sql) %}
    {%- do identity_resolution.idr_run_sql('drop table if exists ' ~ relation) -%}
    {%- do identity_resolution.idr_run_sql('create table ' ~ relation ~ ' as ' ~ select_sql) -%}
{% endmacro %}

{#- DuckDB: an in-memory temp table (see idr_work_relation). -#}
{% macro duckdb__idr_create_work_table(relation, select_sql) %}
    {%- do identity_resolution.idr_run_sql('create or replace temp table ' ~ relation ~ ' as ' ~ select_sql) -%}
{% endmacro %}

{#- Postgres: autovacuum never analyses temp tables, so the planner needs an explicit ANALYZE to pick hash joins. -#}
{% macro postgres__idr_create_work_table(relation, select_sql) %}
    {%- do identity_resolution.idr_run_sql('drop table if exists ' ~ relation) -%}
    {%- do identity_resolution.idr_run_sql('create temp table ' ~ relation ~ ' as ' ~ select_sql) -%}
    {%- do identity_resolution.idr_run_sql('analyze ' ~ relation) -%}
{% endmacro %}

{#- Spark: CTAS into a data source table (no Hive); each round is materialised, cutting the lineage. -#}
{% macro spark__idr_create_work_table(relation, select_sql) %}
    {%- do identity_resolution.idr_run_sql('drop table if exists ' ~ relation) -%}
    {%- do identity_resolution.idr_run_sql('create table ' ~ relation ~ ' using parquet as ' ~ select_sql) -%}
{% endmacro %}
