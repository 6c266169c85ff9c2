{#-
    Apply ranked edges "one at a time in rank order" under per-type limits, set-based.

    nodes_sql   a select with integer columns node_id, limit_key
    edges_sql   a select with integer columns edge_rank (distinct), node_a, node_b
    limits      list of {key, limit}: at most `limit` nodes with limit_key = key per component
    result      work relation to create: (node_id, component_id) for every node of nodes_sql
    name        label for log lines and work tables
    max_rounds  the cap on rounds (idr_max_rounds)

    Ranks need only be distinct among the edges of each connected component: they are never
    compared across components.

    The definition is sequential: take the edges by rank and merge the two components at their
    ends unless the merged component would break a limit. This macro reaches the same partition
    without going one edge at a time, using two facts:
      * Components only grow, so an edge whose two components already break a limit together
        would be rejected whenever its turn came: reject it now.
      * An edge that is the cheapest undecided edge at both of its ends has nothing before it that
        could change either end: decide it now (it is accepted, since the pruning kept it).
    Every round removes the rejected edges, then merges along every such mutual-cheapest edge.
    The cheapest undecided edge of each component of the graph is always mutual-cheapest, so
    every round makes progress, and in typical identity graphs (stars, shared devices, shared
    emails) a handful of rounds suffices; a long path whose ranks increase along it is the worst
    case (one edge per round).
-#}
{% macro idr_limited_merge(nodes_sql, edges_sql, limits, result, name, max_rounds) %}
    {%- set counts = identity_resolution.idr_work_relation(name ~ '_k') -%}
    {%- set next_counts = identity_resolution.idr_work_relation(name ~ '_k2') -%}
    {%- set edges = identity_resolution.idr_work_relation(name ~ '_e') -%}
    {%- set kept = identity_resolution.idr_work_relation(name ~ '_u') -%}
    {%- set cheapest = identity_resolution.idr_work_relation(name ~ '_m') -%}
    {%- set merges = identity_resolution.idr_work_relation(name ~ '_r') -%}
    {%- set forest = identity_resolution.idr_work_relation(name ~ '_f') -%}
    {%- set started = modules.datetime.datetime.now() -%}

    {%- set count_columns = [] -%}
    {%- set sum_columns = [] -%}
    {%- set breaks_limit = [] -%}
    {%- for limit in limits -%}
        {%- do count_columns.append('sum(case when limit_key = ' ~ limit['key'] ~ ' then 1 else 0 end) as count_' ~ loop.index) -%}
        {%- do sum_columns.append('sum(count_' ~ loop.index ~ ') as count_' ~ loop.index) -%}
        {%- do breaks_limit.append('count_a.count_' ~ loop.index ~ ' + count_b.count_' ~ loop.index ~ ' > ' ~ limit['limit']) -%}
    {%- endfor -%}

    {%- do identity_resolution.idr_create_work_table(counts,
        'select node_id as label, ' ~ count_columns | join(', ') ~ '
        from (' ~ nodes_sql ~ ') as input_nodes group by node_id') -%}
    {%- do identity_resolution.idr_create_work_table(edges,
        'select min(edge_rank) as edge_rank, label_a, label_b
        from (
            select edge_rank,
                case when node_a < node_b then node_a else node_b end as label_a,
                case when node_a < node_b then node_b else node_a end as label_b
            from (' ~ edges_sql ~ ') as input_edges
            where node_a <> node_b
        ) as oriented
        group by label_a, label_b') -%}
    {%- do identity_resolution.idr_create_work_table(forest,
        'select label as node_id, label as parent_id from ' ~ counts ~ ' where 1 = 0') -%}

    {%- set state = {'name': name, 'max_rounds': max_rounds, 'round': 0, 'counts': counts, 'next_counts': next_counts} -%}
    {%- for _ in range(max_rounds + 1) -%}
        {#- reject every edge whose two components together already break a limit -#}
        {%- do identity_resolution.idr_create_work_table(kept,
            'select edges.edge_rank, edges.label_a, edges.label_b
            from ' ~ edges ~ ' as edges
            inner join ' ~ state['counts'] ~ ' as count_a on edges.label_a = count_a.label
            inner join ' ~ state['counts'] ~ ' as count_b on edges.label_b = count_b.label
            where not (' ~ breaks_limit | join(' or ') ~ ')') -%}
        {%- if not identity_resolution.idr_has_rows(kept) -%}
            {%- break -%}
        {%- endif -%}
        {%- do identity_resolution.idr_loop_round(state) -%}

        {#- accept every edge that is the cheapest undecided edge at both of its ends -#}
        {%- do identity_resolution.idr_create_work_table(cheapest,
            'select label, min(edge_rank) as edge_rank
            from (
                select label_a as label, edge_rank from ' ~ kept ~ '
                union all
                select label_b, edge_rank from ' ~ kept ~ '
            ) as both_ends
            group by label') -%}
        {%- do identity_resolution.idr_create_work_table(merges,
            'select kept.label_b as old_label, kept.label_a as new_label
            from ' ~ kept ~ ' as kept
            inner join ' ~ cheapest ~ ' as cheapest_a
                on kept.label_a = cheapest_a.label and kept.edge_rank = cheapest_a.edge_rank
            inner join ' ~ cheapest ~ ' as cheapest_b
                on kept.label_b = cheapest_b.label and kept.edge_rank = cheapest_b.edge_rank') -%}
        {%- do identity_resolution.idr_run_sql('insert into ' ~ forest ~ ' select old_label, new_label from ' ~ merges) -%}

        {#- merge: counts add up, edges move onto the merged labels -#}
        {%- do identity_resolution.idr_create_work_table(state['next_counts'],
            'select coalesce(merges.new_label, counts.label) as label, ' ~ sum_columns | join(', ') ~ '
            from ' ~ state['counts'] ~ ' as counts
            left join ' ~ merges ~ ' as merges on counts.label = merges.old_label
            group by coalesce(merges.new_label, counts.label)') -%}
        {%- do identity_resolution.idr_create_work_table(edges,
            'select min(edge_rank) as edge_rank, label_a, label_b
            from (
                select kept.edge_rank,
                    case when coalesce(merge_a.new_label, kept.label_a) < coalesce(merge_b.new_label, kept.label_b)
                        then coalesce(merge_a.new_label, kept.label_a) else coalesce(merge_b.new_label, kept.label_b) end as label_a,
                    case when coalesce(merge_a.new_label, kept.label_a) < coalesce(merge_b.new_label, kept.label_b)
                        then coalesce(merge_b.new_label, kept.label_b) else coalesce(merge_a.new_label, kept.label_a) end as label_b
                from ' ~ kept ~ ' as kept
                left join ' ~ merges ~ ' as merge_a on kept.label_a = merge_a.old_label
                left join ' ~ merges ~ ' as merge_b on kept.label_b = merge_b.old_label
            ) as relabelled
            where label_a <> label_b
            group by label_a, label_b') -%}
        {%- do identity_resolution.idr_loop_round_done(state, 'edges undecided', 'select count(*) from ' ~ edges) -%}
        {%- do state.update({'counts': state['next_counts'], 'next_counts': state['counts']}) -%}
    {%- endfor -%}

    {%- set labelled = identity_resolution.idr_pointer_jump(forest, name ~ '_fj', name ~ ' labels', max_rounds,
        allow_missing_parents=true) -%}
    {%- do identity_resolution.idr_create_work_table(result,
        'select input_nodes.node_id, coalesce(forest.parent_id, input_nodes.node_id) as component_id
        from (' ~ nodes_sql ~ ') as input_nodes
        left join ' ~ labelled['relation'] ~ ' as forest on input_nodes.node_id = forest.node_id') -%}
    {%- do identity_resolution.idr_drop_work_tables([counts, next_counts, edges, kept, cheapest, merges, labelled['relation'], labelled['scratch']]) -%}
    {%- do identity_resolution.idr_log(name ~ ': converged in ' ~ state['round'] ~ ' rounds, '
        ~ identity_resolution.idr_seconds_since(started) ~ 's') -%}
    {{ return(state['round']) }}
{% endmacro %}
