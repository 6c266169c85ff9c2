{#- Profiles Sync state: the profile each event was first resolved to (the segment_id Segment stamps
    on an event). Written once per event, by the first run that finds it a profile, and never
    changed; kept through --full-refresh with the profile ids. The first build writes every event's
    current profile (a backfill). -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true, unique_key='event_key', full_refresh=false) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}

with events as (

    select event_key, anchor_node_id
    from {{ ref('int_idr__events') }}
    where anchor_node_id is not null
    {%- if incremental %}
        and _batch_at > {{ watermark }}
    {%- endif %}

),

unstamped as (

    select events.*
    from events
    {%- if incremental %}
    where not exists (
        select 1 from {{ this }} as stamped
        where stamped.event_key = events.event_key
    )
    {%- endif %}

),

final as (

    select
        unstamped.event_key,
        node_profiles.profile_id as segment_id,
        {{ identity_resolution.idr_batch_at() }} as first_resolved_at,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from unstamped
    inner join {{ ref('int_idr__node_profiles') }} as node_profiles
        on unstamped.anchor_node_id = node_profiles.node_id
    where node_profiles.profile_id is not null

)

select * from final
