{#- Drop every work table of `relations` that exists (each once). -#}
{% macro idr_drop_work_tables(relations) %}
    {{- return(adapter.dispatch('idr_drop_work_tables', 'identity_resolution')(relations)) -}}
{% endmacro %}

{% macro default__idr_drop_work_tables(relations) %}
    {%- for relation in relations | map('string') | unique -%}
        {%- do identity_resolution.idr_run_sql('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
{% endmacro %}

{#- DuckDB and PostgreSQL: one round trip for all of them (both run a string of statements;
    dbt's per-statement overhead was a tenth of the resolution's statements at 1M people). -#}
{% macro duckdb__idr_drop_work_tables(relations) %}
    {%- set drops = [] -%}
    {%- for relation in relations | map('string') | unique -%}
        {%- do drops.append('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
    {%- if drops -%}
        {%- do identity_resolution.idr_run_sql(drops | join('; ')) -%}
    {%- endif -%}
{% endmacro %}

{% macro postgres__idr_drop_work_tables(relations) %}
    {%- do identity_resolution.duckdb__idr_drop_work_tables(relations) -%}
{% endmacro %}
