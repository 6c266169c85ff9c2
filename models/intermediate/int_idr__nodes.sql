with occurrences as (

    select * from {{ ref('int_idr__occurrences') }}

),

identifiers as (

    select
        identifier_type,
        identifier_value,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at
    from occurrences
    where identifier_type is not null
    group by identifier_type, identifier_value

),

ranked as (

    select
        identifier_type,
        identifier_value,
        {{ identity_resolution.idr_type_case('identifier_type', 'rank') }} as priority_rank,
        first_seen_at,
        last_seen_at
    from identifiers

),

final as (

    {#- numbered by (priority, type, value): an event's anchor is its smallest node_id, and
        within one type node_id follows the value's byte order #}
    select
        row_number() over (
            order by
                priority_rank,
                {{ identity_resolution.idr_binary_order('identifier_type') }},
                {{ identity_resolution.idr_binary_order('identifier_value') }}
        ) as node_id,
        identifier_type,
        identifier_value,
        priority_rank,
        first_seen_at,
        last_seen_at
    from ranked

)

select * from final
