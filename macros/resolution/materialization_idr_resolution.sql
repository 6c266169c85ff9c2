{#-
    Materialization for the resolution model. The model's SQL selects the edges; config gives:
      idr_nodes      name of the model holding every node (node_id, limit_key column)
      idr_limit_key  the nodes' column that limits count (e.g. priority_rank)
      idr_edge_order list of edge columns giving the total order edges are applied in
      idr_limits     list of {key, limit}
    The loops run here, never in the model body, so `dbt compile`, `dbt show` and
    `dbt docs generate` run no queries. Writes (node_id, component_id) for every node that has
    an edge; a node without edges is a component of its own.
-#}
{% materialization idr_resolution, default %}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set nodes_relation = ref(config.require('idr_nodes')) -%}
    {%- set limit_key = config.require('idr_limit_key') -%}
    {%- set order_by = config.require('idr_edge_order') -%}
    {%- set limits = config.get('idr_limits', []) -%}
    {%- set started = modules.datetime.datetime.now() -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- set resolved = identity_resolution.idr_resolve(
        'select node_id, ' ~ limit_key ~ ' as limit_key from ' ~ nodes_relation,
        sql,
        order_by,
        limits) -%}

    {%- if existing_relation is not none -%}
        {%- do adapter.drop_relation(existing_relation) -%}
    {%- endif -%}
    {%- call statement('main') -%}
        {{ create_table_as(false, target_relation, resolved['sql']) }}
    {%- endcall -%}
    {%- for relation in resolved['work_tables'] -%}
        {%- do identity_resolution.idr_drop_work_table(relation) -%}
    {%- endfor -%}
    {%- do identity_resolution.idr_log('resolved: ' ~ resolved['rounds']['components'] ~ ' component rounds, '
        ~ resolved['rounds']['limits'] ~ ' limit rounds, ' ~ identity_resolution.idr_seconds_since(started) ~ 's') -%}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {%- do persist_docs(target_relation, model) -%}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
