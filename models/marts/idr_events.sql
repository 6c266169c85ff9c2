with events as (

    select * from {{ ref('int_idr__events') }}

),

identifiers as (

    select * from {{ ref('int_idr__identifiers') }}

),

final as (

    select
        events.source_name,
        events.event_id,
        identifiers.profile_id,
        events.occurred_at,
        events.event_type,
        events.event_name,
        events.anchor_type as resolved_by_type,
        events.anchor_value as resolved_by_value,
        events.identifier_count,
        events.blocked_identifier_count,
        events.delivery_count,
        events.unresolved_reason
    from events
    left join identifiers
        on events.anchor_type = identifiers.identifier_type
        and events.anchor_value = identifiers.identifier_value

)

select * from final
