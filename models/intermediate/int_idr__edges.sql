with event_identifiers as (

    select * from {{ ref('int_idr__event_identifiers') }}

),

nodes as (

    select * from {{ ref('int_idr__nodes') }}

),

pairs as (

    {#- a star per event: its anchor linked to each of its other identifiers -#}
    select
        anchor_type,
        anchor_value,
        identifier_type,
        identifier_value,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        count(*) as event_count
    from event_identifiers
    where not (identifier_type = anchor_type and identifier_value = anchor_value)
    group by anchor_type, anchor_value, identifier_type, identifier_value

),

final as (

    select
        node_a.node_id as node_a,
        node_b.node_id as node_b,
        node_a.priority_rank as priority_rank_a,
        node_b.priority_rank as priority_rank_b,
        pairs.first_seen_at,
        pairs.last_seen_at,
        pairs.event_count
    from pairs
    inner join nodes as node_a
        on pairs.anchor_type = node_a.identifier_type
        and pairs.anchor_value = node_a.identifier_value
    inner join nodes as node_b
        on pairs.identifier_type = node_b.identifier_type
        and pairs.identifier_value = node_b.identifier_value

)

select * from final
