with nodes as (

    select * from {{ ref('int_idr__nodes') }}

),

components as (

    select * from {{ ref('int_idr__node_components') }}

),

event_nodes as (

    select * from {{ ref('int_idr__event_nodes') }}

),

event_counts as (

    select
        node_id,
        count(*) as event_count
    from event_nodes
    group by node_id

),

node_sources as (

    select distinct
        node_id,
        source_name
    from event_nodes

),

source_lists as (

    select
        node_id,
        {{ dbt.listagg('source_name', "', '", "order by source_name") }} as sources
    from node_sources
    group by node_id

),

resolved as (

    select
        nodes.node_id,
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.priority_rank,
        nodes.first_seen_at,
        nodes.last_seen_at,
        components.component_id,
        {#- a profile is named after its earliest identifier: first seen, then priority, type, value -#}
        row_number() over (
            partition by components.component_id
            order by nodes.first_seen_at, nodes.node_id
        ) as seen_order
    from nodes
    inner join components
        on nodes.node_id = components.node_id

),

profile_ids as (

    select
        component_id,
        {{ dbt.hash(dbt.concat(['identifier_type', "':'", 'identifier_value'])) }} as profile_id
    from resolved
    where seen_order = 1

),

final as (

    select
        resolved.node_id,
        resolved.identifier_type,
        resolved.identifier_value,
        resolved.priority_rank,
        profile_ids.profile_id,
        resolved.seen_order = 1 as is_profile_key,
        resolved.first_seen_at,
        resolved.last_seen_at,
        coalesce(event_counts.event_count, 0) as event_count,
        source_lists.sources
    from resolved
    inner join profile_ids
        on resolved.component_id = profile_ids.component_id
    left join event_counts
        on resolved.node_id = event_counts.node_id
    left join source_lists
        on resolved.node_id = source_lists.node_id

)

select * from final
