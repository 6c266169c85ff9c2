-- Converged: an edge only joins two different profiles when merging them would break a limit
-- (rejection_reason names the limit), and a rejected edge always joins two different profiles.
select *
from {{ ref('idr_edges') }}
where (profile_id_a <> profile_id_b and rejection_reason is null)
    or (status = 'rejected' and profile_id_a = profile_id_b)
    or (status = 'accepted' and profile_id_a <> profile_id_b)
