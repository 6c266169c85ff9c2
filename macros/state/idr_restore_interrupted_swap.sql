{#-
    The current model's relation as load_cached_relation(this) finds it, after undoing a swap that
    a stopped run left half done. A table is rewritten by building the new one aside, then two
    renames (table -> <name>__dbt_backup, new -> table). Where DDL is transactional (DuckDB,
    PostgreSQL, most warehouses) both renames commit together; on Spark a run killed between them
    leaves the table only under its backup name, and the next run would drop that backup and start
    over from nothing, losing state kept through --full-refresh (published profile ids, the change
    log). The backup is renamed back first, and the run proceeds as usual. Called by
    idr_is_incremental (when the model's SQL is compiled) and by the materializations.
-#}
{% macro idr_restore_interrupted_swap() %}
    {%- set existing = load_cached_relation(this) -%}
    {%- if existing is not none -%}
        {{ return(existing) }}
    {%- endif -%}
    {%- set target = this.incorporate(type='table') -%}
    {%- set backup = load_cached_relation(make_backup_relation(target, 'table')) -%}
    {%- if backup is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- do adapter.rename_relation(backup, target) -%}
    {%- do identity_resolution.idr_log('restored ' ~ target ~ ' from ' ~ backup
        ~ ' (a stopped run had renamed it aside and not put the new table in its place)') -%}
    {{ return(target) }}
{% endmacro %}
