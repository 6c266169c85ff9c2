{#- Profiles Sync's user_identifiers: every identifier of every profile, in Segment's columns. -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true) }}

with mapping as (

    select * from {{ ref('external_id_mapping') }}

),

final as (

    select
        canonical_segment_id,
        external_id_type as type,
        external_id_value as value,
        seq,
        timestamp,
        uuid_ts
    from mapping

)

select * from final
