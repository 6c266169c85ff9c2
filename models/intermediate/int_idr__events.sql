with headers as (

    {#- one header row per delivery -#}
    select * from {{ ref('int_idr__occurrences') }}
    where identifier_type is null

),

anchors as (

    select
        source_name,
        event_id,
        min(anchor_node_id) as anchor_node_id,
        count(*) as identifier_count
    from {{ ref('int_idr__event_nodes') }}
    group by source_name, event_id

),

events as (

    select
        source_name,
        event_id,
        min(occurred_at) as occurred_at,
        min(event_type) as event_type,
        min(event_name) as event_name,
        count(*) as delivery_count,
        max(blocked_identifier_count) as blocked_identifier_count
    from headers
    group by source_name, event_id

),

final as (

    select
        events.source_name,
        events.event_id,
        events.occurred_at,
        events.event_type,
        events.event_name,
        events.delivery_count,
        coalesce(anchors.identifier_count, 0) as identifier_count,
        events.blocked_identifier_count,
        anchors.anchor_node_id,
        case
            when anchors.anchor_node_id is not null then null
            when events.blocked_identifier_count > 0 then 'all_identifiers_blocked'
            else 'no_identifiers'
        end as unresolved_reason
    from events
    left join anchors
        on events.source_name = anchors.source_name
        and events.event_id = anchors.event_id

)

select * from final
