{#-
    Replace the rows of every key in `temp_relation` in `target_relation`: delete them, then insert
    the temp rows that are not deletions. `key_columns` empty means append only.
    `columns` are the quoted columns to write; `has_deletes` says whether temp has _idr_deleted.
-#}
{% macro idr_apply_changes(target_relation, temp_relation, key_columns, columns, has_deletes) %}
    {{- return(adapter.dispatch('idr_apply_changes', 'identity_resolution')(
        target_relation, temp_relation, key_columns, columns, has_deletes)) -}}
{% endmacro %}

{#- DuckDB, PostgreSQL and most warehouses: delete + insert inside the model's transaction. -#}
{% macro default__idr_apply_changes(target_relation, temp_relation, key_columns, columns, has_deletes) -%}
    {%- if key_columns | length > 0 %}
    delete from {{ target_relation }} as target_rows
    where exists (
        select 1 from {{ temp_relation }} as changed
        where {% for key in key_columns %}changed.{{ key }} = target_rows.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
    );
    {%- endif %}
    insert into {{ target_relation }} ({{ columns | join(', ') }})
    select {{ columns | join(', ') }} from {{ temp_relation }}
    {%- if has_deletes %}
    where not _idr_deleted
    {%- endif %};
{%- endmacro %}

{#- Spark with parquet tables has no DELETE, and insert overwrite cannot read the table it
    overwrites: write the new contents to a side table, then swap it in by renames (the old table
    is kept until the new one is in place). The whole table is rewritten; with Delta or Iceberg a
    MERGE would write only the changed files. -#}
{% macro spark__idr_apply_changes(target_relation, temp_relation, key_columns, columns, has_deletes) -%}
    {%- set rewritten = make_intermediate_relation(target_relation) -%}
    {%- set old = make_backup_relation(target_relation, 'table') -%}
    {%- do run_query('drop table if exists ' ~ rewritten) -%}
    {%- do run_query('drop table if exists ' ~ old) -%}
    {%- call statement('idr_rewrite') -%}
    create table {{ rewritten }} using parquet as
    select {{ columns | join(', ') }} from {{ target_relation }} as target_rows
    {%- if key_columns | length > 0 %}
    left anti join {{ temp_relation }} as changed
        on {% for key in key_columns %}changed.{{ key }} <=> target_rows.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
    {%- endif %}
    union all
    select {{ columns | join(', ') }} from {{ temp_relation }}
    {%- if has_deletes %}
    where not _idr_deleted
    {%- endif %}
    {%- endcall -%}
    {%- do adapter.rename_relation(target_relation, old) -%}
    {%- do adapter.rename_relation(rewritten, target_relation) -%}
    {%- do run_query('drop table if exists ' ~ old) -%}
    select 1
{%- endmacro %}
