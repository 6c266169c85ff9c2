{#-
    Resolve a graph of identifiers into profiles: connected components, except that an edge never
    merges two profiles when the result would hold more nodes of some limit_key than its limit,
    with edges applied one at a time in the order `order_by` (first come, first served).

    nodes_sql         a select of integer columns node_id (>= 0), limit_key: every node of the graph
    edges_sql         a select of integer columns node_a, node_b
    edge_details_sql  the same edges with the columns `order_by` uses; read only for the components
                      that would break a limit
    order_by          column expressions of edge_details_sql giving a total order of the edges of
                      one component
    limits            list of {key, limit}
    max_rounds        the cap on every loop (idr_max_rounds)

    Returns {'sql': a select of (node_id, cc_id, component_id, edge_count) for every node that has
    an edge (cc_id: its connected component; component_id: its profile, a node_id of it; edge_count:
    the rows of edges_sql it is an end of; a node without edges is a profile of its own),
    'work_tables': the work tables that select reads (drop them once it has been used), 'rounds':
    round counts per loop}.

    Plain connected components decide every component that breaks no limit (no merge in it can
    be rejected, so the result is the same). Only the components that would break a limit are
    resolved again, edge order and all, each on its own (edge ranks are numbered per component,
    never across the whole graph): by a minimum spanning forest when there is a single limit of 1
    (exact, O(log n) rounds), otherwise by idr_limited_merge (exact).
-#}
{% macro idr_resolve(nodes_sql, edges_sql, edge_details_sql, order_by, limits, max_rounds) %}
    {%- set components = identity_resolution.idr_work_relation('components') -%}
    {%- set violating = identity_resolution.idr_work_relation('violating') -%}
    {%- set ranked_edges = identity_resolution.idr_work_relation('ranked_edges') -%}
    {%- set forest = identity_resolution.idr_work_relation('forest') -%}
    {%- set limited = identity_resolution.idr_work_relation('limited') -%}
    {%- set rounds = {'components': 0, 'limits': 0} -%}

    {%- do rounds.update({'components': identity_resolution.idr_connected_components(
        edges_sql, components, 'components', max_rounds)}) -%}

    {%- set has_violations = false -%}
    {%- if limits | length > 0 -%}
        {%- set breaks_limit = [] -%}
        {%- for limit in limits -%}
            {%- do breaks_limit.append('sum(case when nodes.limit_key = ' ~ limit['key'] ~ ' then 1 else 0 end) > ' ~ limit['limit']) -%}
        {%- endfor -%}
        {#- only limited nodes can break a limit: join just those -#}
        {%- do identity_resolution.idr_create_work_table(violating,
            'select components.component_id
            from ' ~ components ~ ' as components
            inner join (' ~ nodes_sql ~ ') as nodes on components.node_id = nodes.node_id
            where nodes.limit_key in (' ~ limits | map(attribute='key') | join(', ') ~ ')
            group by components.component_id
            having ' ~ breaks_limit | join(' or ')) -%}
        {%- set violating_count = identity_resolution.idr_query_value('select count(*) from ' ~ violating) -%}
        {%- do identity_resolution.idr_log('limits: ' ~ violating_count ~ ' components would break a limit') -%}
        {%- set has_violations = violating_count > 0 -%}
    {%- endif -%}

    {%- if not has_violations -%}
        {%- set result_sql = 'select node_id, component_id as cc_id, component_id, edge_count from ' ~ components -%}
        {{ return({'sql': result_sql, 'work_tables': [components, violating], 'rounds': rounds}) }}
    {%- endif -%}

    {%- set violating_nodes_sql = 'select nodes.node_id, nodes.limit_key, components.component_id as cc_id
        from (' ~ nodes_sql ~ ') as nodes
        inner join ' ~ components ~ ' as components on nodes.node_id = components.node_id
        inner join ' ~ violating ~ ' as violating on components.component_id = violating.component_id' -%}
    {#- rank the edges of each of those components in the resolution order -#}
    {%- do identity_resolution.idr_create_work_table(ranked_edges,
        'select
            violating_edges.cc_id,
            row_number() over (partition by violating_edges.cc_id order by ' ~ order_by | join(', ') ~ ') as edge_rank,
            violating_edges.node_a,
            violating_edges.node_b
        from (
            select details.*, components.component_id as cc_id
            from (' ~ edge_details_sql ~ ') as details
            inner join ' ~ components ~ ' as components on details.node_a = components.node_id
            inner join ' ~ violating ~ ' as violating on components.component_id = violating.component_id
        ) as violating_edges') -%}

    {%- if limits | length == 1 and limits[0]['limit'] == 1 -%}
        {#- one limit of 1: link every limited node of a component to a virtual root of that
            component (node -1 - cc_id) by edges ranked before all others; the minimum spanning
            forest without the roots' edges falls apart into exactly the profiles the
            one-at-a-time definition gives -#}
        {%- set root_edges_sql = 'select edge_rank, node_a, node_b from ' ~ ranked_edges ~ '
            union all
            select -nodes.node_id, -1 - nodes.cc_id, nodes.node_id
            from (' ~ violating_nodes_sql ~ ') as nodes
            where nodes.limit_key = ' ~ limits[0]['key'] -%}
        {%- do rounds.update({'limits': identity_resolution.idr_minimum_spanning_forest(
            root_edges_sql, forest, 'spanning_forest', max_rounds)}) -%}
        {%- do identity_resolution.idr_connected_components(
            'select node_a, node_b from ' ~ forest ~ ' where node_a >= 0',
            limited, 'forest_components', max_rounds) -%}
    {%- else -%}
        {%- do rounds.update({'limits': identity_resolution.idr_limited_merge(
            violating_nodes_sql, 'select edge_rank, node_a, node_b from ' ~ ranked_edges, limits, limited,
            'limited_merge', max_rounds)}) -%}
    {%- endif -%}

    {%- set result_sql = 'select components.node_id,
            components.component_id as cc_id,
            case
                when violating.component_id is null then components.component_id
                else coalesce(limited.component_id, components.node_id)
            end as component_id,
            components.edge_count
        from ' ~ components ~ ' as components
        left join ' ~ violating ~ ' as violating on components.component_id = violating.component_id
        left join ' ~ limited ~ ' as limited on components.node_id = limited.node_id' -%}
    {%- do identity_resolution.idr_drop_work_tables([ranked_edges, forest]) -%}
    {{ return({'sql': result_sql, 'work_tables': [components, violating, limited], 'rounds': rounds}) }}
{% endmacro %}
