with event_nodes as (

    select * from {{ ref('int_idr__event_nodes') }}

),

final as (

    {#- a star per event: its anchor linked to each of its other identifiers -#}
    select
        anchor_node_id as node_a,
        node_id as node_b,
        min(anchor_priority_rank) as priority_rank_a,
        min(priority_rank) as priority_rank_b,
        min(event_occurred_at) as first_seen_at,
        max(event_occurred_at) as last_seen_at,
        count(*) as event_count
    from event_nodes
    where node_id <> anchor_node_id
    group by anchor_node_id, node_id

)

select * from final
