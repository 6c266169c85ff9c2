{#-
    The minimum spanning forest of a graph whose edges have distinct integer ranks (Borůvka).

    edges_sql   a select with integer columns edge_rank (distinct), node_a, node_b
    result      work relation to create: (edge_rank) of every forest edge
    name        label for log lines and work tables

    With distinct ranks the forest is unique, and it is exactly the set of edges Kruskal's
    algorithm keeps when it takes the edges one at a time by rank. Each Borůvka round, every
    component picks its cheapest outgoing edge (all of them belong to the forest); the picks are
    merged by pointer jumping and the graph is contracted, keeping the cheapest edge between each
    pair of components. Every round at least halves the number of components: O(log n) rounds.
-#}
{% macro idr_minimum_spanning_forest(edges_sql, result, name='msf') %}
    {%- set max_rounds = identity_resolution.idr_max_rounds() -%}
    {%- set edges = identity_resolution.idr_work_relation(name ~ '_e') -%}
    {%- set next_edges = identity_resolution.idr_work_relation(name ~ '_e2') -%}
    {%- set cheapest = identity_resolution.idr_work_relation(name ~ '_m') -%}
    {%- set pointers = identity_resolution.idr_work_relation(name ~ '_p') -%}
    {%- set started = modules.datetime.datetime.now() -%}

    {%- do identity_resolution.idr_create_work_table(edges,
        'select edge_rank, node_a, node_b from (' ~ edges_sql ~ ') as input_edges where node_a <> node_b') -%}
    {%- do identity_resolution.idr_create_work_table(result,
        'select edge_rank from ' ~ edges ~ ' where 1 = 0') -%}

    {%- set state = {'round': 0, 'edges': edges, 'next_edges': next_edges} -%}
    {%- for _ in range(max_rounds + 1) -%}
        {%- if not identity_resolution.idr_has_rows(state['edges']) -%}
            {%- break -%}
        {%- endif -%}
        {%- if state['round'] >= max_rounds -%}
            {%- do identity_resolution.idr_fail_not_converged(name, max_rounds) -%}
        {%- endif -%}
        {%- do state.update({'round': state['round'] + 1}) -%}
        {%- set round_started = modules.datetime.datetime.now() -%}

        {#- every component's cheapest incident edge, and the component at its other end -#}
        {%- do identity_resolution.idr_create_work_table(cheapest,
            'select incident.node_id, incident.edge_rank,
                case when edges.node_a = incident.node_id then edges.node_b else edges.node_a end as other_id
            from (
                select node_id, min(edge_rank) as edge_rank
                from (
                    select node_a as node_id, edge_rank from ' ~ state['edges'] ~ '
                    union all
                    select node_b, edge_rank from ' ~ state['edges'] ~ '
                ) as both_ends
                group by node_id
            ) as incident
            inner join ' ~ state['edges'] ~ ' as edges on incident.edge_rank = edges.edge_rank') -%}
        {%- do identity_resolution.idr_run_sql('insert into ' ~ result ~ ' select distinct edge_rank from ' ~ cheapest) -%}

        {#- point each component across its cheapest edge; of two that picked the same edge, the
            smaller is the root -#}
        {%- do identity_resolution.idr_create_work_table(pointers,
            'select mine.node_id,
                case when theirs.edge_rank = mine.edge_rank and mine.node_id < mine.other_id
                    then mine.node_id else mine.other_id end as parent_id
            from ' ~ cheapest ~ ' as mine
            inner join ' ~ cheapest ~ ' as theirs on mine.other_id = theirs.node_id') -%}
        {%- set jumped = identity_resolution.idr_pointer_jump(pointers, name ~ '_pj', name ~ ' round ' ~ state['round']) -%}

        {#- contract, keeping the cheapest edge between two components -#}
        {%- do identity_resolution.idr_create_work_table(state['next_edges'],
            'select min(edge_rank) as edge_rank, node_a, node_b
            from (
                select
                    edges.edge_rank,
                    case when end_a.parent_id < end_b.parent_id then end_a.parent_id else end_b.parent_id end as node_a,
                    case when end_a.parent_id < end_b.parent_id then end_b.parent_id else end_a.parent_id end as node_b
                from ' ~ state['edges'] ~ ' as edges
                inner join ' ~ jumped['relation'] ~ ' as end_a on edges.node_a = end_a.node_id
                inner join ' ~ jumped['relation'] ~ ' as end_b on edges.node_b = end_b.node_id
                where end_a.parent_id <> end_b.parent_id
            ) as contracted
            group by node_a, node_b') -%}
        {%- do identity_resolution.idr_log_round(name, state['round'], 'edges left',
            identity_resolution.idr_query_value('select count(*) from ' ~ state['next_edges']), round_started) -%}
        {%- do state.update({'edges': state['next_edges'], 'next_edges': state['edges']}) -%}
    {%- endfor -%}

    {%- for relation in [edges, next_edges, cheapest, pointers, identity_resolution.idr_work_relation(name ~ '_pj')] -%}
        {%- do identity_resolution.idr_drop_work_table(relation) -%}
    {%- endfor -%}
    {%- do identity_resolution.idr_log(name ~ ': converged in ' ~ state['round'] ~ ' rounds, '
        ~ identity_resolution.idr_seconds_since(started) ~ 's') -%}
    {{ return(state['round']) }}
{% endmacro %}
