with occurrences as (

    select * from {{ ref('int_idr__occurrences') }}
    where identifier_type is not null

),

nodes as (

    select * from {{ ref('int_idr__nodes') }}

),

event_nodes as (

    {#- duplicate deliveries of one event collapse here -#}
    select
        occurrences.source_name,
        occurrences.event_id,
        nodes.node_id,
        nodes.priority_rank,
        min(occurrences.occurred_at) as occurred_at
    from occurrences
    inner join nodes
        on occurrences.identifier_type = nodes.identifier_type
        and occurrences.identifier_value = nodes.identifier_value
    group by
        occurrences.source_name,
        occurrences.event_id,
        nodes.node_id,
        nodes.priority_rank

),

final as (

    select
        source_name,
        event_id,
        node_id,
        priority_rank,
        {#- the event's anchor: its highest-priority identifier (smallest node_id) -#}
        min(node_id) over (partition by source_name, event_id) as anchor_node_id,
        min(priority_rank) over (partition by source_name, event_id) as anchor_priority_rank,
        min(occurred_at) over (partition by source_name, event_id) as event_occurred_at
    from event_nodes

)

select * from final
