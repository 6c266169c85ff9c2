-- An event with identifiers has a profile (the profile of its highest-priority identifier, named
-- in resolved_by_*); one without any has no profile and says why.
select *
from {{ ref('idr_events') }}
where (identifier_count > 0 and (profile_id is null or resolved_by_value is null or unresolved_reason is not null))
    or (identifier_count = 0 and (profile_id is not null or resolved_by_value is not null or unresolved_reason is null))
