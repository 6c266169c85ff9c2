{#-
    A warning, not an error: the rest of the data resolves. The rows are listed with their reason
    and payload in idr_quarantined_rows, for fixing the source.
-#}
{{ config(severity='warn', fail_calc='coalesce(sum(row_count), 0)') }}
-- Warns with the number of delivered rows kept out of idr_events (the rows of
-- idr_quarantined_rows): no event id, no readable time, or a delivery that disagrees with the kept
-- one. Returns one row per source and reason with its count; the warning gives the total.
-- Catches source data the package cannot use (not a package bug): read idr_quarantined_rows.
-- Counted from the state (a quarantine_reason per delivery, conflicting_delivery_count per event:
-- the two reasons of the view), not by reading the view, which builds every delivery's payload.
with final as (

    select
        source_name,
        quarantine_reason as reason,
        count(*) as row_count
    from {{ ref('int_idr__deliveries') }}
    where quarantine_reason is not null
    group by source_name, quarantine_reason

    union all

    select
        source_name,
        'conflicting_duplicate' as reason,
        sum(conflicting_delivery_count) as row_count
    from {{ ref('int_idr__events') }}
    where conflicting_delivery_count > 0
    group by source_name

)

select * from final
