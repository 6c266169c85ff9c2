{#-
    Every distinct delivered row (int_idr__deliveries) ends either in idr_events (as the event or a
    copy of it: delivery_count; or a disagreeing delivery: conflicting_delivery_count) or in
    idr_quarantined_rows with another reason. Returns one row per source whose counts differ.
-#}
with delivered as (

    select source_name, count(*) as row_count
    from {{ ref('int_idr__deliveries') }}
    group by source_name

),

in_events as (

    select source_name, sum(delivery_count + conflicting_delivery_count) as row_count
    from {{ ref('idr_events') }}
    group by source_name

),

quarantined as (

    select source_name, count(*) as row_count
    from {{ ref('idr_quarantined_rows') }}
    where reason <> 'conflicting_duplicate'
    group by source_name

),

final as (

    select
        delivered.source_name,
        delivered.row_count as delivered_rows,
        coalesce(in_events.row_count, 0) as rows_in_events,
        coalesce(quarantined.row_count, 0) as rows_quarantined
    from delivered
    left join in_events
        on delivered.source_name = in_events.source_name
    left join quarantined
        on delivered.source_name = quarantined.source_name
    where delivered.row_count <> coalesce(in_events.row_count, 0) + coalesce(quarantined.row_count, 0)

)

select * from final
