{#-
    The minimum spanning forest of a graph by Borůvka rounds.

    edges_sql   a select with integer columns edge_rank, node_a, node_b; ranks must be distinct
                among the edges of each connected component (they are never compared across
                components, so they need no global numbering)
    result      work relation to create: (node_a, node_b) of every forest edge, as given
    name        label for log lines and work tables
    max_rounds  the cap on rounds (idr_max_rounds)

    With distinct ranks the forest is unique, and it is exactly the set of edges Kruskal's
    algorithm keeps when it takes the edges one at a time by rank. Each round, every fragment picks
    its cheapest incident edge (all of them belong to the forest); the picks are merged by pointer
    jumping and the graph is contracted, keeping the cheapest edge between two fragments. Every
    round at least halves the number of fragments: O(log n) rounds.
-#}
{% macro idr_minimum_spanning_forest(edges_sql, result, name, max_rounds) %}
    {%- set edges = identity_resolution.idr_work_relation(name ~ '_e') -%}
    {%- set next_edges = identity_resolution.idr_work_relation(name ~ '_e2') -%}
    {%- set cheapest = identity_resolution.idr_work_relation(name ~ '_m') -%}
    {%- set pointers = identity_resolution.idr_work_relation(name ~ '_p') -%}
    {%- set started = modules.datetime.datetime.now() -%}

    {#- each edge keeps its original ends (edge_a, edge_b) while its fragment ends move -#}
    {%- do identity_resolution.idr_create_work_table(edges,
        'select edge_rank, node_a, node_b, node_a as edge_a, node_b as edge_b
        from (' ~ edges_sql ~ ') as input_edges where node_a <> node_b') -%}
    {%- do identity_resolution.idr_create_work_table(result, 'select edge_a as node_a, edge_b as node_b from ' ~ edges ~ ' where 1 = 0') -%}

    {%- set state = {'name': name, 'max_rounds': max_rounds, 'round': 0, 'edges': edges, 'next_edges': next_edges} -%}
    {%- for _ in range(max_rounds + 1) -%}
        {%- if not identity_resolution.idr_has_rows(state['edges']) -%}
            {%- break -%}
        {%- endif -%}
        {%- do identity_resolution.idr_loop_round(state) -%}

        {#- every fragment's cheapest incident edge, and the fragment at its other end -#}
        {%- do identity_resolution.idr_create_work_table(cheapest,
            'select node_id, other_id, edge_rank, edge_a, edge_b
            from (
                select
                    both_ends.*,
                    row_number() over (partition by both_ends.node_id order by both_ends.edge_rank) as rank_at_node
                from (
                    select node_a as node_id, node_b as other_id, edge_rank, edge_a, edge_b from ' ~ state['edges'] ~ '
                    union all
                    select node_b, node_a, edge_rank, edge_a, edge_b from ' ~ state['edges'] ~ '
                ) as both_ends
            ) as ranked
            where rank_at_node = 1') -%}
        {%- do identity_resolution.idr_run_sql('insert into ' ~ result ~ ' select distinct edge_a, edge_b from ' ~ cheapest) -%}

        {#- point each fragment across its cheapest edge; of two that picked the same edge, the
            smaller is the root -#}
        {%- do identity_resolution.idr_create_work_table(pointers,
            'select mine.node_id,
                case when theirs.edge_a = mine.edge_a and theirs.edge_b = mine.edge_b and mine.node_id < mine.other_id
                    then mine.node_id else mine.other_id end as parent_id
            from ' ~ cheapest ~ ' as mine
            inner join ' ~ cheapest ~ ' as theirs on mine.other_id = theirs.node_id') -%}
        {%- set jumped = identity_resolution.idr_pointer_jump(pointers, name ~ '_pj', name ~ ' round ' ~ state['round'], max_rounds) -%}

        {#- contract, keeping the cheapest edge between two fragments -#}
        {%- do identity_resolution.idr_create_work_table(state['next_edges'],
            'select edge_rank, node_a, node_b, edge_a, edge_b
            from (
                select
                    contracted.*,
                    row_number() over (partition by contracted.node_a, contracted.node_b order by contracted.edge_rank) as rank_in_pair
                from (
                    select
                        edges.edge_rank,
                        case when end_a.parent_id < end_b.parent_id then end_a.parent_id else end_b.parent_id end as node_a,
                        case when end_a.parent_id < end_b.parent_id then end_b.parent_id else end_a.parent_id end as node_b,
                        edges.edge_a,
                        edges.edge_b
                    from ' ~ state['edges'] ~ ' as edges
                    inner join ' ~ jumped['relation'] ~ ' as end_a on edges.node_a = end_a.node_id
                    inner join ' ~ jumped['relation'] ~ ' as end_b on edges.node_b = end_b.node_id
                    where end_a.parent_id <> end_b.parent_id
                ) as contracted
            ) as ranked
            where rank_in_pair = 1') -%}
        {%- do identity_resolution.idr_loop_round_done(state, 'edges left', 'select count(*) from ' ~ state['next_edges']) -%}
        {%- do state.update({'edges': state['next_edges'], 'next_edges': state['edges']}) -%}
    {%- endfor -%}

    {%- do identity_resolution.idr_drop_work_tables([edges, next_edges, cheapest, pointers, identity_resolution.idr_work_relation(name ~ '_pj')]) -%}
    {%- do identity_resolution.idr_log(name ~ ': converged in ' ~ state['round'] ~ ' rounds, '
        ~ identity_resolution.idr_seconds_since(started) ~ 's') -%}
    {{ return(state['round']) }}
{% endmacro %}
