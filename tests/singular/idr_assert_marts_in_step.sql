{#-
    idr_profiles agrees with the profile of every identifier (int_idr__node_profiles, which
    idr_identifiers and idr_events read through views): the same profile ids, and per profile the
    same identifier and event counts. Marts are written one model at a time; a build stopped after
    int_idr__node_profiles and before idr_profiles (or one whose idr_profiles failed) leaves them
    apart. Returns one row per profile that differs, so `dbt test` fails until the next build has
    caught idr_profiles up (DECISIONLOG 17, "Marts are published one model at a time").
-#}
with mapped as (

    select
        node_profiles.profile_id,
        count(*) as identifier_count,
        sum(nodes.anchored_event_count) as event_count
    from {{ ref('int_idr__node_profiles') }} as node_profiles
    inner join {{ ref('int_idr__nodes') }} as nodes
        on node_profiles.node_id = nodes.node_id
    where node_profiles.profile_id is not null
    group by node_profiles.profile_id

),

published as (

    select profile_id, identifier_count, event_count from {{ ref('idr_profiles') }}

),

final as (

    select
        coalesce(mapped.profile_id, published.profile_id) as profile_id,
        mapped.identifier_count as identifiers_mapped,
        published.identifier_count as identifiers_in_idr_profiles,
        mapped.event_count as events_mapped,
        published.event_count as events_in_idr_profiles
    from mapped
    full outer join published
        on mapped.profile_id = published.profile_id
    where mapped.profile_id is null
        or published.profile_id is null
        or mapped.identifier_count <> published.identifier_count
        or mapped.event_count <> published.event_count

)

select * from final
