{#-
    Materialization of the resolution model (int_idr__node_components). The loops run here, never
    in the model body, so `dbt compile`, `dbt show` and `dbt docs generate` run no queries.

    Config:
      idr_nodes, idr_edges  the models holding the graph (the model's SQL refs both)
      idr_changes           the model whose rows since this model's watermark name the changed
                            nodes (int_idr__occurrences; tombstones included)
      unique_key            node_id

    Steps:
      1. drop work tables a killed run left behind (and put back the table a run stopped between
         the two renames of a swap left under its backup name: idr_restore_interrupted_swap);
      2. the region: on a rebuild every node; otherwise the changed nodes and every node of their
         old connected components (the resolution of a component depends on its edges alone, so
         re-resolving those is exact);
      3. resolve the region's nodes and edges (idr_resolve) into the result work table, with the
         number of rounds each loop ran (the model records them on the rows it writes);
      4. run the model's SQL, which reads the region and the result (idr_resolution_work), like
         dbt's table materialization on a rebuild (intermediate relation, swap, grants, docs,
         contract via get_create_table_as_sql), or replacing the region's rows in one transaction
         (idr_apply_changes);
      5. drop the work tables.
-#}
{% materialization idr_resolution, default %}
    {%- set cfg = identity_resolution.idr_config() -%}
    {%- set max_rounds = cfg['settings']['max_rounds'] -%}
    {%- set existing_relation = identity_resolution.idr_restore_interrupted_swap() -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(target_relation, 'table') -%}
    {%- set rebuild = existing_relation is none or existing_relation.is_view or identity_resolution.idr_should_rebuild() -%}
    {%- set nodes = ref(config.require('idr_nodes')) -%}
    {%- set edges = ref(config.require('idr_edges')) -%}
    {%- set changes = ref(config.require('idr_changes')) -%}
    {%- set work = identity_resolution.idr_resolution_work() -%}
    {%- set grant_config = config.get('grants') -%}
    {%- set started = modules.datetime.datetime.now() -%}

    {%- do identity_resolution.idr_drop_leftover_work_tables() -%}
    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {#- 2. the region -#}
    {%- if rebuild -%}
        {%- do identity_resolution.idr_create_work_table(work['region'], 'select node_id from ' ~ nodes) -%}
    {%- else -%}
        {%- do identity_resolution._idr_check_batch_order(target_relation) -%}
        {%- set watermark = identity_resolution.idr_watermark() -%}
        {%- do identity_resolution.idr_create_work_table(work['region'],
            'with changed as (
                select node_id from ' ~ changes ~ ' where _batch_at > ' ~ watermark ~ '
                union
                select anchor_node_id from ' ~ changes ~ ' where _batch_at > ' ~ watermark ~ '
            ),
            touched_components as (
                select distinct previous.cc_id
                from ' ~ target_relation ~ ' as previous
                inner join changed on previous.node_id = changed.node_id
            ),
            candidates as (
                select node_id from changed
                union
                select previous.node_id
                from ' ~ target_relation ~ ' as previous
                inner join touched_components on previous.cc_id = touched_components.cc_id
            )
            select candidates.node_id
            from candidates
            inner join ' ~ nodes ~ ' as nodes on candidates.node_id = nodes.node_id') -%}
    {%- endif -%}
    {%- set region_size = identity_resolution.idr_query_value('select count(*) from ' ~ work['region']) -%}
    {%- do identity_resolution.idr_log('region: ' ~ region_size ~ ' nodes to resolve' ~ (' (all)' if rebuild else '')) -%}

    {#- 3. resolve it -#}
    {#- a rebuild resolves every node and edge: read them without the join to the region -#}
    {%- set region_nodes = 'select nodes.node_id, nodes.priority_rank as limit_key from ' ~ nodes ~ ' as nodes'
        ~ ('' if rebuild else ' inner join ' ~ work['region'] ~ ' as region on nodes.node_id = region.node_id') -%}
    {%- set region_edges = 'select edges.node_a, edges.node_b from ' ~ edges ~ ' as edges'
        ~ ('' if rebuild else ' inner join ' ~ work['region'] ~ ' as region on edges.node_a = region.node_id') -%}
    {%- set ordinals = [] -%}
    {%- for t in cfg['types'] -%}
        {%- do ordinals.append('when ' ~ t['rank'] ~ ' then ' ~ t['name_ordinal']) -%}
    {%- endfor -%}
    {#- the order edges are applied in: first seen, the weaker end's priority, the anchor's (type,
        value), the other end's (type, value); strings in byte order -#}
    {%- set edge_details = 'select edges.node_a, edges.node_b, edges.first_seen_at,
            case when end_a.priority_rank > end_b.priority_rank then end_a.priority_rank else end_b.priority_rank end as weaker_rank,
            case end_a.priority_rank ' ~ ordinals | join(' ') ~ ' end as name_ordinal_a,
            end_a.identifier_value as value_a,
            case end_b.priority_rank ' ~ ordinals | join(' ') ~ ' end as name_ordinal_b,
            end_b.identifier_value as value_b
        from ' ~ edges ~ ' as edges
        inner join ' ~ nodes ~ ' as end_a on edges.node_a = end_a.node_id
        inner join ' ~ nodes ~ ' as end_b on edges.node_b = end_b.node_id' -%}
    {%- if region_size == 0 -%}
        {#- nothing to resolve (a run without new identifiers or edges): skip the loops -#}
        {%- set resolved = {'sql': 'select node_id, node_id as cc_id, node_id as component_id, 0 as edge_count from '
            ~ work['region'], 'work_tables': [], 'rounds': {'components': 0, 'limits': 0}} -%}
    {%- else -%}
        {%- set resolved = identity_resolution.idr_resolve(region_nodes, region_edges, edge_details,
            ['first_seen_at', 'weaker_rank', 'name_ordinal_a', identity_resolution.idr_binary_order('value_a'),
             'name_ordinal_b', identity_resolution.idr_binary_order('value_b')],
            cfg['limits'], max_rounds) -%}
    {%- endif -%}
    {#- the result carries the run's round counts: the model writes them on every row it writes -#}
    {%- do identity_resolution.idr_create_work_table(work['result'], 'select resolved.*, '
        ~ resolved['rounds']['components'] ~ ' as component_rounds, ' ~ resolved['rounds']['limits']
        ~ ' as limit_rounds from (' ~ resolved['sql'] ~ ') as resolved') -%}

    {#- 4. write (rows with _idr_deleted delete their node) -#}
    {%- set written = [] -%}
    {%- for column in get_columns_in_query(sql) if column | lower != '_idr_deleted' -%}
        {%- do written.append(adapter.quote(column)) -%}
    {%- endfor -%}
    {%- if rebuild -%}
        {%- call statement('main') -%}
            {{ get_create_table_as_sql(False, intermediate_relation if existing_relation is not none else target_relation,
                'select ' ~ written | join(', ') ~ ' from (' ~ sql ~ ') as model_rows where not _idr_deleted') }}
        {%- endcall -%}
        {%- if existing_relation is not none -%}
            {%- do adapter.rename_relation(existing_relation, backup_relation) -%}
            {%- do adapter.rename_relation(intermediate_relation, target_relation) -%}
        {%- endif -%}
    {%- else -%}
        {%- set staged = identity_resolution.idr_stage_changes(target_relation, sql) -%}
        {%- if identity_resolution.idr_has_rows(staged) -%}
            {%- call statement('main') -%}
                {{ identity_resolution.idr_apply_changes(target_relation, staged, ['node_id'], written, true) }}
            {%- endcall -%}
        {%- else -%}
            {%- call statement('main') -%} select 1 as nothing_changed {%- endcall -%}
        {%- endif -%}
        {%- do identity_resolution.idr_drop_staged_changes(staged) -%}
    {%- endif -%}

    {%- set should_revoke = should_revoke(existing_relation, full_refresh_mode=rebuild) -%}
    {%- do apply_grants(target_relation, grant_config, should_revoke=should_revoke) -%}
    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}

    {#- 5. clean up -#}
    {%- do identity_resolution.idr_drop_work_tables(resolved['work_tables'] + [work['region'], work['result']]) -%}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation) if existing_relation is not none else none) }}
    {%- do identity_resolution.idr_log('resolved: ' ~ resolved['rounds']['components'] ~ ' component rounds, '
        ~ resolved['rounds']['limits'] ~ ' limit rounds, ' ~ identity_resolution.idr_seconds_since(started) ~ 's') -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
