{#-
    Warns with the number of delivered rows kept out of idr_events (idr_quarantined_rows: no event
    id, no readable time, or a delivery that disagrees with the kept one). A warning, not an error:
    the rest of the data resolves; the rows are listed with their reason and payload for fixing the
    source.
-#}
{{ config(severity='warn') }}

select
    source_name,
    event_id,
    event_version,
    reason
from {{ ref('idr_quarantined_rows') }}
