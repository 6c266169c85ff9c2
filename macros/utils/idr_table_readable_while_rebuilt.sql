{#-
    Whether a `table` model can read its own previous table while it is rebuilt: dbt's table
    materialization builds the new table beside the old and swaps them on DuckDB and PostgreSQL.
-#}
{% macro idr_table_readable_while_rebuilt() %}
    {{- return(adapter.dispatch('idr_table_readable_while_rebuilt', 'identity_resolution')()) -}}
{% endmacro %}

{% macro default__idr_table_readable_while_rebuilt() -%}
    {{ return(true) }}
{%- endmacro %}

{#- Spark: dbt-spark drops the old table before it creates the new one (no transactional swap). -#}
{% macro spark__idr_table_readable_while_rebuilt() -%}
    {{ return(false) }}
{%- endmacro %}
