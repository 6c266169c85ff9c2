-- Every identifier the events carry is in exactly one profile.
with carried as (

    select distinct
        identifier_type,
        identifier_value
    from {{ ref('int_idr__event_identifiers') }}

),

resolved as (

    select
        identifier_type,
        identifier_value,
        count(*) as row_count,
        count(profile_id) as profile_count
    from {{ ref('idr_identifiers') }}
    group by identifier_type, identifier_value

),

compared as (

    select
        coalesce(carried.identifier_type, resolved.identifier_type) as identifier_type,
        coalesce(carried.identifier_value, resolved.identifier_value) as identifier_value,
        resolved.row_count,
        resolved.profile_count
    from carried
    full outer join resolved
        on carried.identifier_type = resolved.identifier_type
        and carried.identifier_value = resolved.identifier_value
    where carried.identifier_value is null
        or resolved.identifier_value is null
        or resolved.row_count <> 1
        or resolved.profile_count <> 1

)

select * from compared
