{#- a view: the published profile of every identifier, with its counts (no copy to keep in step) -#}
with nodes as (

    select * from {{ ref('int_idr__nodes') }}

),

node_profiles as (

    select * from {{ ref('int_idr__node_profiles') }}
    where profile_id is not null

),

final as (

    select
        nodes.identifier_type,
        nodes.identifier_value,
        node_profiles.profile_id,
        node_profiles.is_profile_key,
        nodes.first_seen_at,
        nodes.last_seen_at,
        nodes.event_count,
        nodes.sources
    from nodes
    inner join node_profiles
        on nodes.node_id = node_profiles.node_id

)

select * from final
