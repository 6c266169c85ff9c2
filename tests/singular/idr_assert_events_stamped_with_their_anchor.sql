-- An event with identifiers belongs to the profile of its highest-priority identifier; one
-- without any has no profile and says why.
select events.*
from {{ ref('idr_events') }} as events
left join {{ ref('idr_identifiers') }} as identifiers
    on events.resolved_by_type = identifiers.identifier_type
    and events.resolved_by_value = identifiers.identifier_value
where (events.identifier_count > 0 and (events.profile_id is null or identifiers.profile_id is null
        or events.profile_id <> identifiers.profile_id or events.unresolved_reason is not null))
    or (events.identifier_count = 0 and (events.profile_id is not null or events.unresolved_reason is null))
