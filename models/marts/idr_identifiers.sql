with identifiers as (

    select * from {{ ref('int_idr__identifiers') }}

),

final as (

    select
        identifier_type,
        identifier_value,
        profile_id,
        is_profile_key,
        first_seen_at,
        last_seen_at,
        event_count,
        sources
    from identifiers

)

select * from final
