{#-
    Work tables for the resolution loops: named after the model (<model>__idr_<name>), created
    from a select, dropped when the model is done. Adapter overrides keep them fast and correct.
-#}
{% macro idr_work_relation(name) %}
    {{- return(adapter.dispatch('idr_work_relation', 'identity_resolution')(name)) -}}
{% endmacro %}

{#- Default (Spark, Snowflake, BigQuery, ...): a real table beside the model. Spark temp views would re-run their whole lineage every round. -#}
{% macro default__idr_work_relation(name) %}
    {{- return(this.incorporate(path={'identifier': this.identifier ~ '__idr_' ~ name}, type='table')) -}}
{% endmacro %}

{#- DuckDB: temp tables live in memory and skip the write-ahead log, several times faster for short-lived rounds. -#}
{% macro duckdb__idr_work_relation(name) %}
    {{- return(api.Relation.create(identifier=this.identifier ~ '__idr_' ~ name, type='table').include(database=false, schema=false)) -}}
{% endmacro %}

{#- Postgres: temp tables cannot be schema-qualified and are private to the session. -#}
{% macro postgres__idr_work_relation(name) %}
    {{- return(api.Relation.create(identifier=this.identifier ~ '__idr_' ~ name, type='table').include(database=false, schema=false)) -}}
{% endmacro %}


{#- (Re)create work table `relation` from `select_sql`. -#}
{% macro idr_create_work_table(relation, select_sql) %}
    {{- return(adapter.dispatch('idr_create_work_table', 'identity_resolution')(relation, select_sql)) -}}
{% endmacro %}

{% macro default__idr_create_work_table(relation, select_sql) %}
    {%- do identity_resolution.idr_run_sql('drop table if exists ' ~ relation) -%}
    {%- do identity_resolution.idr_run_sql('create table ' ~ relation ~ ' as ' ~ select_sql) -%}
{% endmacro %}

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


{% macro idr_drop_work_table(relation) %}
    {%- do identity_resolution.idr_run_sql('drop table if exists ' ~ relation) -%}
{% endmacro %}


{#- Run one statement, discarding any result. -#}
{% macro idr_run_sql(sql) %}
    {%- call statement('idr_resolution_step', fetch_result=false) -%}
        {{ sql }}
    {%- endcall -%}
{% endmacro %}


{#- Run a query and return the first column of its first row (none when there is no row). -#}
{% macro idr_query_value(sql) %}
    {%- set result = run_query(sql) -%}
    {%- if result is none or result.rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(result.rows[0][0]) }}
{% endmacro %}


{#- True when `relation` has at least one row (cheaper than counting). -#}
{% macro idr_has_rows(relation, where='1 = 1') %}
    {{ return(identity_resolution.idr_query_value('select count(*) from (select 1 as one from ' ~ relation
        ~ ' as has_rows_input where ' ~ where ~ ' limit 1) as probe') > 0) }}
{% endmacro %}
