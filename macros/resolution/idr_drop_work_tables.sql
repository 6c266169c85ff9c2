{#- Drop every work table of `relations` that exists (each once). -#}
{% macro idr_drop_work_tables(relations) %}
    {{- return(adapter.dispatch('idr_drop_work_tables', 'identity_resolution')(relations)) -}}
{% endmacro %}

{#- One statement per table: not every driver runs a string of several statements. -#}
{% macro default__idr_drop_work_tables(relations) %}
    {%- for relation in relations | map('string') | unique -%}
        {%- do identity_resolution.idr_run_sql('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
{% endmacro %}

{#- DuckDB: one round trip for all of them (its driver runs a string of statements; dbt's
    per-statement overhead was a tenth of the resolution's statements at 1M people). -#}
{% macro duckdb__idr_drop_work_tables(relations) %}
    {%- do identity_resolution._idr_drop_work_tables_at_once(relations) -%}
{% endmacro %}

{#- PostgreSQL: the same, one round trip (psycopg2 runs a string of statements too). -#}
{% macro postgres__idr_drop_work_tables(relations) %}
    {%- do identity_resolution._idr_drop_work_tables_at_once(relations) -%}
{% endmacro %}

{% macro _idr_drop_work_tables_at_once(relations) %}
    {%- set drops = [] -%}
    {%- for relation in relations | map('string') | unique -%}
        {%- do drops.append('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
    {%- if drops -%}
        {%- do identity_resolution.idr_run_sql(drops | join('; ')) -%}
    {%- endif -%}
{% endmacro %}
