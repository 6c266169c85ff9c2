{%- set cfg = identity_resolution.idr_config() -%}
{%- set limited_types = cfg['types'] | selectattr('limit') | list -%}
{%- set node_profiles = ref('int_idr__node_profiles') -%}
{%- set nodes = ref('int_idr__nodes') -%}
{%- set components = ref('int_idr__node_components') -%}
{%- set graph_edges = ref('int_idr__edges') -%}
{%- set mart = ref('idr_edges') -%}
{#- when idr_edges was last written (the state changed since is what it may lag behind), and whether
    that write rebuilt it from scratch; read when the test is compiled (idr_batch_range) -#}
{%- set mart_range = identity_resolution.idr_batch_range(mart) -%}
{%- set mark = mart_range['newest'] or identity_resolution.idr_timestamp_literal('1900-01-01 00:00:00') -%}
{%- set since = ('> ' if mart_range['is_rebuilt'] else '>= ') ~ mark -%}
{#- no identifier changed profile since idr_edges was written (read when the test is compiled; a
    first build, which writes the state and idr_edges in one batch): the rows of idr_edges and of
    the graph that moved profiles are none, and are not looked for -#}
{%- set node_profiles_newest = identity_resolution.idr_batch_range(node_profiles)['newest_text'] -%}
{%- set nothing_moved = node_profiles_newest is not none and mart_range['newest_text'] is not none
    and (node_profiles_newest < mart_range['newest_text']
        or (mart_range['is_rebuilt'] and node_profiles_newest == mart_range['newest_text'])) -%}
{#- the tested batch of int_idr__edges is every edge (a first build, a full refresh): all of them
    are in the region, without looking at the components -#}
{%- set edges_batch = identity_resolution.idr_tested_batch(graph_edges) -%}
{%- set checks_every_edge = identity_resolution.idr_tested_batch_is_whole(graph_edges, tested_batch=edges_batch) -%}
{#- A build that selects only part of the package leaves the models it did not select behind
    their inputs until the next build; the test waits for a build that builds all of them. -#}
{%- set partial_build = flags.WHICH == 'build'
    and model.depends_on.nodes | reject('in', selected_resources) | list | length > 0 -%}
-- The resolution has converged, and idr_edges agrees with the profiles:
--   * an edge of the graph (int_idr__edges) between two profiles is one whose merge would break a
--     limit: together the two profiles hold more values of a limited type than its limit, counted
--     here from the identifiers (profiles only grow in the resolution order, so a limit broken at
--     the edge's turn is broken now). Between two profiles that break no limit it should have
--     merged them;
--   * idr_edges holds every edge of the graph and no other, with both ends' current profiles; an
--     accepted edge joins one profile and a rejected edge two, its rejection_reason naming a
--     configured limit.
-- Catches: a resolution that rejected an edge it had to accept, or stopped short (a limit loop or
-- an incremental region that missed part of a component), and idr_edges rows missing, lingering,
-- or left with the profiles or status they had before a merge or a split (an incremental run that
-- missed a changed profile, or a build stopped before idr_edges: repaired by the next build).
-- Checks the edges of the region the tested batch of int_idr__node_components re-resolved and the
-- edges new in the tested batch of int_idr__edges; in idr_edges, what changed in the state since
-- idr_edges was last written and what that write wrote (a write that rebuilt idr_edges from
-- scratch computed it from the same state, by the rules this test would repeat). A first build
-- checks every edge. Returns one row per edge in fault, with the problem.
with region_edges as (

    {# the edges whose resolution the tested batch decided #}
    select node_a, node_b
    from {{ graph_edges }}
    {%- if not checks_every_edge %}
    where _batch_at = {{ edges_batch }}
        or node_a in (
            select node_id from {{ components }}
            where _batch_at = {{ identity_resolution.idr_tested_batch(components) }}
        )
    {%- endif %}

),

region_judged as (

    select
        region_edges.node_a,
        region_edges.node_b,
        end_a.profile_id as profile_id_a,
        end_b.profile_id as profile_id_b
    from region_edges
    inner join {{ node_profiles }} as end_a
        on region_edges.node_a = end_a.node_id
    inner join {{ node_profiles }} as end_b
        on region_edges.node_b = end_b.node_id
    where end_a.profile_id <> end_b.profile_id

),

{%- if limited_types | length > 0 %}

limited_counts as (

    {# the values of each limited type in the profiles an edge separates #}
    select
        node_profiles.profile_id,
        nodes.identifier_type,
        count(*) as value_count
    from {{ node_profiles }} as node_profiles
    inner join {{ nodes }} as nodes
        on node_profiles.node_id = nodes.node_id
    where nodes.identifier_type in ('{{ limited_types | map(attribute="name") | join("', '") }}')
        and node_profiles.profile_id in (
            select profile_id_a from region_judged
            union all
            select profile_id_b from region_judged
        )
    group by node_profiles.profile_id, nodes.identifier_type

),
{%- endif %}

unjustified as (

    {# edges between two profiles whose merge would break no limit #}
    select region_judged.node_a, region_judged.node_b
    from region_judged
    {%- for t in limited_types %}
    left join limited_counts as counts_a_{{ loop.index }}
        on region_judged.profile_id_a = counts_a_{{ loop.index }}.profile_id
        and counts_a_{{ loop.index }}.identifier_type = '{{ t["name"] }}'
    left join limited_counts as counts_b_{{ loop.index }}
        on region_judged.profile_id_b = counts_b_{{ loop.index }}.profile_id
        and counts_b_{{ loop.index }}.identifier_type = '{{ t["name"] }}'
    {%- endfor %}
    where 1 = 1
        {%- for t in limited_types %}
        and coalesce(counts_a_{{ loop.index }}.value_count, 0) + coalesce(counts_b_{{ loop.index }}.value_count, 0)
            <= {{ t['limit'] }}
        {%- endfor %}

),

{%- if not nothing_moved %}

moved_nodes as (

    select node_profiles.node_id, node_profiles.profile_id, node_profiles.previous_profile_id
    from {{ node_profiles }} as node_profiles
    where node_profiles._batch_at {{ since }}

),

moved_profiles as (

    select profile_id from moved_nodes where profile_id is not null
    union all
    select previous_profile_id from moved_nodes where previous_profile_id is not null

),
{%- endif %}

mart_in_scope as (

    select
        {{ identity_resolution.idr_node_id(cfg, 'mart.identifier_type_a', 'mart.identifier_value_a') }} as node_a,
        {{ identity_resolution.idr_node_id(cfg, 'mart.identifier_type_b', 'mart.identifier_value_b') }} as node_b,
        mart.identifier_type_a,
        mart.identifier_value_a,
        mart.identifier_type_b,
        mart.identifier_value_b,
        mart.profile_id_a,
        mart.profile_id_b,
        mart.status,
        mart.rejection_reason
    from {{ mart }} as mart
    where {% if not mart_range['is_rebuilt'] %}mart._batch_at = {{ mark }}{% else %}1 = 0{% endif %}
        {%- if not nothing_moved %}
        or mart.profile_id_a in (select profile_id from moved_profiles)
        or mart.profile_id_b in (select profile_id from moved_profiles)
        {%- endif %}

),

graph_in_scope as (

    {# edges new since idr_edges was written, and edges of identifiers whose profile changed since #}
    select graph_edges.node_a, graph_edges.node_b
    from {{ graph_edges }} as graph_edges
    where graph_edges._batch_at {{ since }}
        {%- if not nothing_moved %}
        or graph_edges.node_a in (select node_id from moved_nodes)
        or graph_edges.node_b in (select node_id from moved_nodes)
        {%- endif %}

),

paired as (

    {# a correct idr_edges holds every edge of graph_in_scope in mart_in_scope #}
    select
        coalesce(mart_in_scope.node_a, graph_in_scope.node_a) as node_a,
        coalesce(mart_in_scope.node_b, graph_in_scope.node_b) as node_b,
        mart_in_scope.identifier_type_a,
        mart_in_scope.identifier_value_a,
        mart_in_scope.identifier_type_b,
        mart_in_scope.identifier_value_b,
        mart_in_scope.profile_id_a,
        mart_in_scope.profile_id_b,
        mart_in_scope.status,
        mart_in_scope.rejection_reason,
        mart_in_scope.node_a is not null as is_in_mart,
        graph_in_scope.node_a is not null as is_in_graph_scope
    from mart_in_scope
    full outer join graph_in_scope
        on mart_in_scope.node_a = graph_in_scope.node_a
        and mart_in_scope.node_b = graph_in_scope.node_b

),

known_outside as (

    {# rows of idr_edges outside graph_in_scope that are edges of the graph all the same #}
    select paired.node_a, paired.node_b
    from paired
    inner join {{ graph_edges }} as graph_edges
        on paired.node_a = graph_edges.node_a
        and paired.node_b = graph_edges.node_b
    where not paired.is_in_graph_scope

),

mart_judged as (

    select
        case
            when not paired.is_in_mart then 'edge missing from idr_edges'
            when not paired.is_in_graph_scope and known_outside.node_a is null
                then 'edge in idr_edges that no event carries'
            when end_a.profile_id is null or end_b.profile_id is null
                or paired.profile_id_a <> end_a.profile_id or paired.profile_id_b <> end_b.profile_id
                then 'edge with stale profile ids'
            when paired.status = 'accepted' and end_a.profile_id <> end_b.profile_id
                then 'accepted edge between two profiles'
            when paired.status = 'rejected' and end_a.profile_id = end_b.profile_id
                then 'rejected edge inside one profile'
            when paired.status = 'rejected' and (paired.rejection_reason is null or not (
                {%- for t in limited_types %}
                paired.rejection_reason like '{{ t["name"] }} limit {{ t["limit"] }} exceeded: %'
                {%- if not loop.last %} or{% endif %}
                {%- endfor %}
                {%- if limited_types | length == 0 %} 1 = 0{% endif %}
            ))
                then 'rejected edge without a limit named'
        end as problem,
        paired.node_a,
        paired.node_b,
        paired.identifier_type_a,
        paired.identifier_value_a,
        paired.identifier_type_b,
        paired.identifier_value_b
    from paired
    left join {{ node_profiles }} as end_a
        on paired.node_a = end_a.node_id
    left join {{ node_profiles }} as end_b
        on paired.node_b = end_b.node_id
    left join known_outside
        on paired.node_a = known_outside.node_a
        and paired.node_b = known_outside.node_b

),

final as (

    select
        'edge between two profiles that break no limit together' as problem,
        node_a,
        node_b,
        cast(null as {{ dbt.type_string() }}) as identifier_type_a,
        cast(null as {{ dbt.type_string() }}) as identifier_value_a,
        cast(null as {{ dbt.type_string() }}) as identifier_type_b,
        cast(null as {{ dbt.type_string() }}) as identifier_value_b
    from unjustified

    union all

    select * from mart_judged
    where problem is not null

)

select * from final
{%- if partial_build %}
where 1 = 0
{%- endif %}
