with nodes as (

    select * from {{ ref('int_idr__nodes') }}

),

components as (

    select * from {{ ref('int_idr__node_components') }}

),

resolved as (

    select
        nodes.node_id,
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.priority_rank,
        nodes.first_seen_at,
        nodes.last_seen_at,
        nodes.event_count,
        nodes.anchored_event_count,
        nodes.last_anchored_event_at,
        nodes.sources,
        {#- a node without edges is a component of its own -#}
        coalesce(components.component_id, nodes.node_id) as component_id
    from nodes
    left join components
        on nodes.node_id = components.node_id

),

keyed as (

    select
        *,
        {#- a profile is named after its earliest identifier: first seen, then priority, type, value -#}
        row_number() over (
            partition by component_id
            order by first_seen_at, node_id
        ) as seen_order
    from resolved

),

profile_ids as (

    select
        component_id,
        {{ dbt.hash(dbt.concat(['identifier_type', "':'", 'identifier_value'])) }} as profile_id
    from keyed
    where seen_order = 1

),

final as (

    select
        keyed.node_id,
        keyed.component_id,
        keyed.identifier_type,
        keyed.identifier_value,
        keyed.priority_rank,
        profile_ids.profile_id,
        keyed.seen_order = 1 as is_profile_key,
        keyed.first_seen_at,
        keyed.last_seen_at,
        keyed.event_count,
        keyed.anchored_event_count,
        keyed.last_anchored_event_at,
        keyed.sources
    from keyed
    inner join profile_ids
        on keyed.component_id = profile_ids.component_id

)

select * from final
