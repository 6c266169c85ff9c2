{#- a view: every event with the profile its anchor identifier belongs to now, so that a merge or
    a split never rewrites the events (the profile is looked up, not copied) -#}
with events as (

    select * from {{ ref('int_idr__events') }}

),

node_profiles as (

    select node_id, profile_id from {{ ref('int_idr__node_profiles') }}
    where profile_id is not null

),

final as (

    select
        events.source_name,
        events.event_id,
        events.event_version,
        node_profiles.profile_id,
        events.occurred_at,
        events.event_type,
        events.event_name,
        events.resolved_by_type,
        events.resolved_by_value,
        events.identifier_count,
        events.blocked_identifier_count,
        events.invalid_identifier_count,
        events.suppressed_identifier_count,
        events.delivery_count,
        events.conflicting_delivery_count,
        events.unresolved_reason
    from events
    left join node_profiles
        on events.anchor_node_id = node_profiles.node_id

)

select * from final
