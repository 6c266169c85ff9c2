{#-
    Connected components of an undirected graph, set-based, in O(log n) rounds.

    edges_sql   a select with integer columns node_a, node_b (duplicates and either orientation fine)
    result      work relation to create: one row per node that appears in an edge,
                (node_id, component_id, edge_count); component_id is the smallest node_id of the
                component, edge_count the number of rows of edges_sql the node is an end of (a
                loop counts twice)
    name        label for log lines and work tables
    max_rounds  the cap on rounds (idr_max_rounds)

    Each round hooks every node to its smallest neighbour, shortcuts the resulting trees to their
    roots by pointer jumping, and contracts the graph onto the roots (dropping the edges that fall
    inside one tree). A path of n nodes needs O(log n) jumps in the worst numbering and few rounds,
    so rounds grow with the log of the diameter, not with the diameter. Round 1 labels every node
    with its root; later rounds only ever hook roots, so they are recorded in a (small) forest of
    roots, shortcut at the end and applied to round 1's labels in one join. Returns the number of
    rounds.

    Only the nodes that were hooked to a smaller neighbour take part in the pointer jumping: a
    node without a row is a root (its own label). After round 1's hooks about half the nodes of a
    graph of small stars are roots and most others already point at one, so the jumps read and
    rewrite that many fewer rows.
-#}
{% macro idr_connected_components(edges_sql, result, name, max_rounds) %}
    {%- set edge_tables = [identity_resolution.idr_work_relation(name ~ '_e'), identity_resolution.idr_work_relation(name ~ '_e2')] -%}
    {%- set forest = identity_resolution.idr_work_relation(name ~ '_f') -%}
    {#- round 1's hooks, with every node of an edge: the result's rows and edge counts -#}
    {%- set first_hooks = identity_resolution.idr_work_relation(name ~ '_n') -%}
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

        {#- hook: each node's parent is its smallest neighbour; a node smaller than all of its
            neighbours is a root and gets no row (round 1 keeps every node in first_hooks) -#}
        {%- set incident = '(
                select
                    case when node_a < node_b then node_a else node_b end as node_id,
                    case when node_a < node_b then node_a else node_b end as neighbour_id
                from ' ~ state['edges'] ~ ' as edges_a
                union all
                select
                    case when node_a < node_b then node_b else node_a end,
                    case when node_a < node_b then node_a else node_b end
                from ' ~ state['edges'] ~ ' as edges_b
            ) as incident' -%}
        {%- if state['round'] == 1 -%}
            {%- do identity_resolution.idr_create_work_table(first_hooks,
                'select node_id, min(neighbour_id) as parent_id, count(*) as edge_count
                from ' ~ incident ~ '
                group by node_id') -%}
            {%- do identity_resolution.idr_create_work_table(round_hooks,
                'select node_id, parent_id from ' ~ first_hooks ~ ' where parent_id < node_id') -%}
        {%- else -%}
            {%- do identity_resolution.idr_create_work_table(round_hooks,
                'select node_id, min(neighbour_id) as parent_id
                from ' ~ incident ~ '
                group by node_id
                having min(neighbour_id) < node_id') -%}
        {%- endif -%}
        {%- set jumped = identity_resolution.idr_pointer_jump(round_hooks, name ~ '_j' ~ suffix,
            name ~ ' round ' ~ state['round'], max_rounds, allow_missing_parents=true) -%}
        {%- do state.update({'jumps': state['jumps'] + jumped['steps']}) -%}
        {%- do state['scratch'].extend([jumped['relation'], jumped['scratch']]) -%}

        {#- contract: move every edge onto the roots of its ends; drop edges inside one tree -#}
        {%- set next_edges = edge_tables[state['round'] % 2] -%}
        {%- do identity_resolution.idr_create_work_table(next_edges,
            'select distinct
                case when root_a < root_b then root_a else root_b end as node_a,
                case when root_a < root_b then root_b else root_a end as node_b
            from (
                select
                    coalesce(hook_a.parent_id, edges.node_a) as root_a,
                    coalesce(hook_b.parent_id, edges.node_b) as root_b
                from ' ~ state['edges'] ~ ' as edges
                left join ' ~ jumped['relation'] ~ ' as hook_a on edges.node_a = hook_a.node_id
                left join ' ~ jumped['relation'] ~ ' as hook_b on edges.node_b = hook_b.node_id
            ) as moved
            where root_a <> root_b') -%}
        {%- if state['round'] == 1 -%}
            {%- do state.update({'labels': jumped['relation']}) -%}
        {%- elif state['round'] == 2 -%}
            {%- do identity_resolution.idr_create_work_table(forest,
                'select node_id, parent_id from ' ~ jumped['relation']) -%}
        {%- else -%}
            {%- do identity_resolution.idr_run_sql('insert into ' ~ forest ~ ' select node_id, parent_id from '
                ~ jumped['relation']) -%}
        {%- endif -%}
        {%- do identity_resolution.idr_loop_round_done(state, 'edges left', 'select count(*) from ' ~ next_edges) -%}
        {%- do state.update({'edges': next_edges}) -%}
    {%- endfor -%}

    {#- label every node of an edge: its round-1 root, moved along the forest of later rounds -#}
    {%- if state['round'] == 0 -%}
        {%- do identity_resolution.idr_create_work_table(result,
            'select node_a as node_id, node_a as component_id, 0 as edge_count
            from (' ~ edges_sql ~ ') as input_edges where 1 = 0') -%}
    {%- else -%}
        {%- set labelled = 'select hooks.node_id, coalesce(labels.parent_id, hooks.node_id) as label_id, hooks.edge_count
            from ' ~ first_hooks ~ ' as hooks
            left join ' ~ state['labels'] ~ ' as labels on hooks.node_id = labels.node_id' -%}
        {%- if state['round'] == 1 -%}
            {%- do identity_resolution.idr_create_work_table(result,
                'select node_id, label_id as component_id, edge_count from (' ~ labelled ~ ') as labelled') -%}
        {%- else -%}
            {%- set roots = identity_resolution.idr_pointer_jump(forest, name ~ '_fj', name ~ ' labels', max_rounds,
                allow_missing_parents=true) -%}
            {%- do state['scratch'].extend([roots['relation'], roots['scratch']]) -%}
            {%- do identity_resolution.idr_create_work_table(result,
                'select
                    labelled.node_id,
                    coalesce(roots.parent_id, labelled.label_id) as component_id,
                    labelled.edge_count
                from (' ~ labelled ~ ') as labelled
                left join ' ~ roots['relation'] ~ ' as roots on labelled.label_id = roots.node_id') -%}
        {%- endif -%}
    {%- endif -%}
    {%- do identity_resolution.idr_drop_work_tables(edge_tables + [forest, first_hooks] + state['scratch']) -%}
    {%- do identity_resolution.idr_log(name ~ ': converged in ' ~ state['round'] ~ ' rounds (' ~ state['jumps']
        ~ ' pointer jumps), ' ~ identity_resolution.idr_seconds_since(started) ~ 's') -%}
    {{ return(state['round']) }}
{% endmacro %}
