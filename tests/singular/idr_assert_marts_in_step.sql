{#-
    idr_profiles agrees with the views readers join it to: every profile id of idr_identifiers and
    idr_events is in idr_profiles and the other way round, with the same identifier count, event
    count and first/last seen. Marts are written one model at a time; a build stopped after
    int_idr__node_profiles (which the views read) and before idr_profiles, or one whose idr_profiles
    failed, leaves them apart. Returns one row per profile that differs, so that `dbt test` fails
    until the next build has caught idr_profiles up (DECISIONLOG 17, "Marts are published one model
    at a time"). Only marts are read: a build that selects part of the package does not trip it.
-#}
with identifiers as (

    select
        profile_id,
        count(*) as identifier_count,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at
    from {{ ref('idr_identifiers') }}
    group by profile_id

),

events as (

    select profile_id, count(*) as event_count
    from {{ ref('idr_events') }}
    where profile_id is not null
    group by profile_id

),

mapped as (

    select
        identifiers.profile_id,
        identifiers.identifier_count,
        coalesce(events.event_count, 0) as event_count,
        identifiers.first_seen_at,
        identifiers.last_seen_at
    from identifiers
    left join events
        on identifiers.profile_id = events.profile_id

),

final as (

    select
        coalesce(mapped.profile_id, profiles.profile_id) as profile_id,
        mapped.identifier_count as identifiers_now,
        profiles.identifier_count as identifiers_in_idr_profiles,
        mapped.event_count as events_now,
        profiles.event_count as events_in_idr_profiles
    from mapped
    full outer join {{ ref('idr_profiles') }} as profiles
        on mapped.profile_id = profiles.profile_id
    where mapped.profile_id is null
        or profiles.profile_id is null
        or mapped.identifier_count <> profiles.identifier_count
        or mapped.event_count <> profiles.event_count
        or mapped.first_seen_at <> profiles.first_seen_at
        or mapped.last_seen_at <> profiles.last_seen_at

)

select * from final
