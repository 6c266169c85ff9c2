{#-
    Connected components of an undirected graph, set-based, in O(log n) rounds.

    edges_sql   a select with integer columns node_a, node_b (duplicates and either orientation fine)
    result      work relation to create: one row per node that appears in an edge,
                (node_id, component_id); component_id is the smallest node_id of the component
    name        label for log lines and work tables
    max_rounds  the cap on rounds (idr_max_rounds)

    Each round hooks every node to its smallest neighbour, shortcuts the resulting trees to their
    roots by pointer jumping, and contracts the graph onto the roots (dropping the edges that fall
    inside one tree). A path of n nodes needs O(log n) jumps in the worst numbering and few rounds,
    so rounds grow with the log of the diameter, not with the diameter. Round 1 labels every node
    with its root; later rounds only ever hook roots, so they are recorded in a (small) forest of
    roots, shortcut at the end and applied to round 1's labels in one join. Returns the number of
    rounds.
-#}
{% macro idr_connected_components(edges_sql, result, name, max_rounds) %}
    {%- set edge_tables = [identity_resolution.idr_work_relation(name ~ '_e'), identity_resolution.idr_work_relation(name ~ '_e2')] -%}
    {%- set forest = identity_resolution.idr_work_relation(name ~ '_f') -%}
    {%- set started = modules.datetime.datetime.now() -%}

    {#- round 1 reads the input directly; later rounds read the contracted edges -#}
    {%- set state = {'name': name, 'max_rounds': max_rounds, 'round': 0, 'edges': '(' ~ edges_sql ~ ')', 'jumps': 0,
                     'labels': none, 'scratch': []} -%}
    {%- for _ in range(max_rounds + 1) -%}
        {%- if not identity_resolution.idr_has_rows(state['edges']) -%}
            {%- break -%}
        {%- endif -%}
        {%- do identity_resolution.idr_loop_round(state) -%}
        {#- round 1's tables hold the labels to the end; later rounds alternate between two pairs -#}
        {%- set suffix = '1' if state['round'] == 1 else ('a' if state['round'] % 2 == 0 else 'b') -%}
        {%- set round_hooks = identity_resolution.idr_work_relation(name ~ '_h' ~ suffix) -%}

        {#- hook: each node's parent is its smallest neighbour, or itself when it is smaller -#}
        {%- do identity_resolution.idr_create_work_table(round_hooks,
            'select node_id, min(neighbour_id) as parent_id
            from (
                select
                    case when node_a < node_b then node_a else node_b end as node_id,
                    case when node_a < node_b then node_a else node_b end as neighbour_id
                from ' ~ state['edges'] ~ ' as edges_a
                union all
                select
                    case when node_a < node_b then node_b else node_a end,
                    case when node_a < node_b then node_a else node_b end
                from ' ~ state['edges'] ~ ' as edges_b
            ) as incident
            group by node_id') -%}
        {%- set jumped = identity_resolution.idr_pointer_jump(round_hooks, name ~ '_j' ~ suffix,
            name ~ ' round ' ~ state['round'], max_rounds) -%}
        {%- do state.update({'jumps': state['jumps'] + jumped['steps']}) -%}
        {%- do state['scratch'].extend([jumped['relation'], jumped['scratch']]) -%}

        {#- contract: move every edge onto the roots of its ends; drop edges inside one tree -#}
        {%- set next_edges = edge_tables[state['round'] % 2] -%}
        {%- do identity_resolution.idr_create_work_table(next_edges,
            'select distinct
                case when hook_a.parent_id < hook_b.parent_id then hook_a.parent_id else hook_b.parent_id end as node_a,
                case when hook_a.parent_id < hook_b.parent_id then hook_b.parent_id else hook_a.parent_id end as node_b
            from ' ~ state['edges'] ~ ' as edges
            inner join ' ~ jumped['relation'] ~ ' as hook_a on edges.node_a = hook_a.node_id
            inner join ' ~ jumped['relation'] ~ ' as hook_b on edges.node_b = hook_b.node_id
            where hook_a.parent_id <> hook_b.parent_id') -%}
        {%- if state['round'] == 1 -%}
            {%- do state.update({'labels': jumped['relation']}) -%}
        {%- elif state['round'] == 2 -%}
            {%- do identity_resolution.idr_create_work_table(forest,
                'select node_id, parent_id from ' ~ jumped['relation'] ~ ' where node_id <> parent_id') -%}
        {%- else -%}
            {%- do identity_resolution.idr_run_sql('insert into ' ~ forest ~ ' select node_id, parent_id from '
                ~ jumped['relation'] ~ ' where node_id <> parent_id') -%}
        {%- endif -%}
        {%- do identity_resolution.idr_loop_round_done(state, 'edges left', 'select count(*) from ' ~ next_edges) -%}
        {%- do state.update({'edges': next_edges}) -%}
    {%- endfor -%}

    {#- label every node: its round-1 root, moved along the forest of later rounds -#}
    {%- if state['round'] == 0 -%}
        {%- do identity_resolution.idr_create_work_table(result,
            'select node_a as node_id, node_a as component_id from (' ~ edges_sql ~ ') as input_edges where 1 = 0') -%}
    {%- elif state['round'] == 1 -%}
        {%- do identity_resolution.idr_create_work_table(result,
            'select node_id, parent_id as component_id from ' ~ state['labels']) -%}
    {%- else -%}
        {%- set roots = identity_resolution.idr_pointer_jump(forest, name ~ '_fj', name ~ ' labels', max_rounds,
            allow_missing_parents=true) -%}
        {%- do state['scratch'].extend([roots['relation'], roots['scratch']]) -%}
        {%- do identity_resolution.idr_create_work_table(result,
            'select labels.node_id, coalesce(roots.parent_id, labels.parent_id) as component_id
            from ' ~ state['labels'] ~ ' as labels
            left join ' ~ roots['relation'] ~ ' as roots on labels.parent_id = roots.node_id') -%}
    {%- endif -%}
    {%- for relation in edge_tables + [forest] + state['scratch'] -%}
        {%- do identity_resolution.idr_drop_work_table(relation) -%}
    {%- endfor -%}
    {%- do identity_resolution.idr_log(name ~ ': converged in ' ~ state['round'] ~ ' rounds (' ~ state['jumps']
        ~ ' pointer jumps), ' ~ identity_resolution.idr_seconds_since(started) ~ 's') -%}
    {{ return(state['round']) }}
{% endmacro %}
