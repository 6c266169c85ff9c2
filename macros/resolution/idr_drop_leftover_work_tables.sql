{#-
    Drop every `<model>__idr_*` relation left in the model's schema by a run that was killed. (On
    DuckDB and PostgreSQL the work tables are temp tables, which end with the session anyway; on
    Spark and the default they are real tables.)
-#}
{% macro idr_drop_leftover_work_tables() %}
    {%- set prefix = (this.identifier ~ '__idr_') | lower -%}
    {%- for name in adapter.dispatch('idr_relation_names', 'identity_resolution')() -%}
        {%- if (name | lower).startswith(prefix) -%}
            {%- do identity_resolution.idr_log('dropping work table ' ~ name ~ ' left by an earlier run') -%}
            {%- do adapter.drop_relation(this.incorporate(path={'identifier': name}, type='table')) -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{#- The names of the relations in the current model's schema (dbt's own listing macro). -#}
{% macro default__idr_relation_names() %}
    {%- set listed = list_relations_without_caching(api.Relation.create(database=this.database, schema=this.schema)) -%}
    {%- set names = [] -%}
    {%- set column = (['name', 'table_name', 'tableName'] | select('in', listed.column_names) | list)[0] -%}
    {%- for row in listed.rows -%}
        {%- do names.append(row[column]) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}

{#- Spark: SHOW TABLES (its listing macro returns extended information that is slow to build). -#}
{% macro spark__idr_relation_names() %}
    {%- set names = [] -%}
    {%- for row in run_query('show tables in ' ~ this.schema).rows if not row[2] -%}
        {%- do names.append(row[1]) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
