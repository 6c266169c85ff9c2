-- Every identifier the events carry is in exactly one profile: idr_identifiers has a row for
-- each distinct identifier (int_idr__nodes), its grain is unique and profile_id is never null
-- (the yml tests on idr_identifiers), so counts equal means none is missing.
with counts as (

    select
        (select count(*) from {{ ref('int_idr__nodes') }}) as carried_identifiers,
        (select count(*) from {{ ref('idr_identifiers') }}) as resolved_identifiers,
        (select count(*) from {{ ref('idr_identifiers') }} where profile_id is null) as without_profile

)

select *
from counts
where carried_identifiers <> resolved_identifiers
    or without_profile > 0
