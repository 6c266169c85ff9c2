{#-
    Resolve a graph of identifiers into profiles: connected components, except that an edge never
    merges two profiles when the result would hold more nodes of some limit_key than its limit,
    with edges applied one at a time in the order `order_by` (first come, first served).

    nodes_sql   a select with integer columns node_id, limit_key (every node, edges or not)
    edges_sql   a select with integer columns node_a, node_b and the columns named in order_by
    order_by    list of column expressions giving a total order of the edges
    limits      list of {key, limit}

    Returns {'sql': a select of (node_id, component_id) for every node that has an edge
    (component_id is a node_id of the component; a node without edges is a profile of its own),
    'work_tables': the work tables that select reads (drop them once it has been used),
    'rounds': round counts per loop, for logging and tests}.

    Plain connected components decide every component that breaks no limit (no merge in it can
    be rejected, so the result is the same). Only the components that would break a limit are
    resolved again, edge order and all: by a minimum spanning forest when there is a single limit
    of 1 (exact, O(log n) rounds), otherwise by idr_limited_merge (exact).
-#}
{% macro idr_resolve(nodes_sql, edges_sql, order_by, limits) %}
    {%- set components = identity_resolution.idr_work_relation('components') -%}
    {%- set violating = identity_resolution.idr_work_relation('violating') -%}
    {%- set ranked_edges = identity_resolution.idr_work_relation('ranked_edges') -%}
    {%- set forest = identity_resolution.idr_work_relation('forest') -%}
    {%- set limited = identity_resolution.idr_work_relation('limited') -%}
    {%- set rounds = {'components': 0, 'limits': 0, 'limited_components': 0} -%}

    {%- do rounds.update({'components': identity_resolution.idr_connected_components(edges_sql, components, 'components')}) -%}

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
        {%- set result_sql = 'select node_id, component_id from ' ~ components -%}
    {%- else -%}
        {%- set violating_nodes_sql = 'select nodes.node_id, nodes.limit_key
            from (' ~ nodes_sql ~ ') as nodes
            inner join ' ~ components ~ ' as components on nodes.node_id = components.node_id
            inner join ' ~ violating ~ ' as violating on components.component_id = violating.component_id' -%}
        {#- rank the edges of those components in the resolution order -#}
        {%- do identity_resolution.idr_create_work_table(ranked_edges,
            'select row_number() over (order by ' ~ order_by | join(', ') ~ ') as edge_rank, node_a, node_b
            from (
                select edges.*
                from (' ~ edges_sql ~ ') as edges
                inner join ' ~ components ~ ' as components on edges.node_a = components.node_id
                inner join ' ~ violating ~ ' as violating on components.component_id = violating.component_id
            ) as violating_edges') -%}

        {%- if limits | length == 1 and limits[0]['limit'] == 1 -%}
            {#- one limit of 1: link every limited node to a virtual root (node 0) by edges ranked
                before all others; the minimum spanning forest without the root's edges falls apart
                into exactly the profiles the one-at-a-time definition gives -#}
            {%- set root_edges_sql = 'select edge_rank, node_a, node_b from ' ~ ranked_edges ~ '
                union all
                select -nodes.node_id, 0, nodes.node_id
                from (' ~ violating_nodes_sql ~ ') as nodes
                where nodes.limit_key = ' ~ limits[0]['key'] -%}
            {%- do rounds.update({'limits': identity_resolution.idr_minimum_spanning_forest(root_edges_sql, forest, 'limits')}) -%}
            {%- do rounds.update({'limited_components': identity_resolution.idr_connected_components(
                'select ranked.node_a, ranked.node_b from ' ~ ranked_edges ~ ' as ranked
                inner join ' ~ forest ~ ' as forest on ranked.edge_rank = forest.edge_rank',
                limited, 'limited_components')}) -%}
        {%- else -%}
            {%- do rounds.update({'limits': identity_resolution.idr_limited_merge(
                violating_nodes_sql, 'select edge_rank, node_a, node_b from ' ~ ranked_edges, limits, limited, 'limits')}) -%}
        {%- endif -%}

        {%- set result_sql = 'select components.node_id,
                case
                    when violating.component_id is null then components.component_id
                    else coalesce(limited.component_id, components.node_id)
                end as component_id
            from ' ~ components ~ ' as components
            left join ' ~ violating ~ ' as violating on components.component_id = violating.component_id
            left join ' ~ limited ~ ' as limited on components.node_id = limited.node_id' -%}
    {%- endif -%}
    {%- for relation in [ranked_edges, forest] -%}
        {%- do identity_resolution.idr_drop_work_table(relation) -%}
    {%- endfor -%}
    {{ return({'sql': result_sql, 'work_tables': [components, violating, limited], 'rounds': rounds}) }}
{% endmacro %}
