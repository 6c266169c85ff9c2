{#-
    Materialization of the package's state models and incremental marts.

    The model's SQL selects the rows to write this run: on a rebuild every row; otherwise the rows
    of the keys that changed. A row with _idr_deleted = true (when the SQL has that column) deletes
    its key and is not written.

    Config:
      unique_key   column or list of columns; the rows of every key the SQL returns are replaced.
                   Without it, rows are appended (the change logs).
      full_refresh false keeps the table through --full-refresh (profile ids, change log);
                   idr_reset_profile_ids rebuilds those too.

    A rebuild follows dbt's table materialization: create into an intermediate relation, swap it in
    (no moment without a table), grants, docs, contract (get_create_table_as_sql). An update writes
    the rows into a temp relation, then idr_apply_changes replaces the changed keys in one
    transaction (Spark: a rewrite and a rename, see there); a run with no changed row writes nothing.
    Each update first checks that this
    run's batch time is later than every batch already written: a clock that went backwards would
    otherwise hide this run's rows from the models downstream. A table a stopped run left under its
    backup name (Spark, between the two renames of a swap) is put back first
    (idr_restore_interrupted_swap).
-#}
{% materialization idr_incremental, default %}
    {%- set existing_relation = identity_resolution.idr_restore_interrupted_swap() -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(target_relation, 'table') -%}
    {%- set unique_key = config.get('unique_key') -%}
    {%- set key_columns = ([unique_key] if unique_key is string else unique_key) if unique_key else [] -%}
    {%- set rebuild = existing_relation is none or existing_relation.is_view or identity_resolution.idr_should_rebuild() -%}
    {%- set grant_config = config.get('grants') -%}

    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- set columns = get_columns_in_query(sql) -%}
    {%- set written = [] -%}
    {%- for column in columns if column | lower != '_idr_deleted' -%}
        {%- do written.append(adapter.quote(column)) -%}
    {%- endfor -%}
    {%- set has_deletes = columns | map('lower') | select('equalto', '_idr_deleted') | list | length > 0 -%}
    {%- set kept_sql = 'select ' ~ written | join(', ') ~ ' from (' ~ sql ~ ') as model_rows'
        ~ (' where not _idr_deleted' if has_deletes else '') -%}

    {%- if rebuild -%}
        {%- call statement('main') -%}
            {{ get_create_table_as_sql(False, intermediate_relation if existing_relation is not none else target_relation, kept_sql) }}
        {%- endcall -%}
        {%- if existing_relation is not none -%}
            {%- do adapter.rename_relation(existing_relation, backup_relation) -%}
            {%- do adapter.rename_relation(intermediate_relation, target_relation) -%}
        {%- endif -%}
    {%- else -%}
        {%- do identity_resolution._idr_check_batch_order(target_relation) -%}
        {%- set staged = identity_resolution.idr_stage_changes(target_relation, sql) -%}
        {%- if identity_resolution.idr_has_rows(staged) -%}
            {%- call statement('main') -%}
                {{ identity_resolution.idr_apply_changes(target_relation, staged, key_columns, written, has_deletes) }}
            {%- endcall -%}
        {%- else -%}
            {#- nothing changed: the table is not touched -#}
            {%- call statement('main') -%} select 1 as nothing_changed {%- endcall -%}
        {%- endif -%}
        {%- do identity_resolution.idr_drop_staged_changes(staged) -%}
    {%- endif -%}

    {%- set should_revoke = should_revoke(existing_relation, full_refresh_mode=rebuild) -%}
    {%- do apply_grants(target_relation, grant_config, should_revoke=should_revoke) -%}
    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation) if existing_relation is not none else none) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- Fail when this run's batch time is not later than the newest batch in `relation`. -#}
{% macro _idr_check_batch_order(relation) %}
    {%- set newest = identity_resolution.idr_query_value(
        'select ' ~ identity_resolution.idr_timestamp_text('max(_batch_at)') ~ ' from ' ~ relation) -%}
    {%- set this_run = run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {%- if newest is not none and newest >= this_run -%}
        {{ exceptions.raise_compiler_error(
            "identity_resolution: " ~ relation ~ " already holds rows of batch " ~ newest ~ ", not earlier than this run ("
            ~ this_run ~ "). Is another build running, or did the clock go backwards? Incremental runs must start"
            ~ " later than the last one; wait, or rebuild with --full-refresh.") }}
    {%- endif -%}
{% endmacro %}
