{%- set deliveries = ref('int_idr__deliveries') -%}
{%- set events = ref('int_idr__events') -%}
{#- A build that selects only part of the package leaves the models it did not select behind
    their inputs until the next build; the test waits for a build that builds all of them. -#}
{%- set partial_build = flags.WHICH == 'build'
    and model.depends_on.nodes | reject('in', selected_resources) | list | length > 0 -%}
-- Every delivered row is accounted for: a usable delivery (no quarantine_reason) is its event's
-- kept delivery, a copy of it (delivery_count) or a delivery disagreeing with it
-- (conflicting_delivery_count, listed in idr_quarantined_rows), and a delivery with a
-- quarantine_reason is listed in idr_quarantined_rows under it. So the usable deliveries of the
-- events a run wrote equal the sum of their delivery_count + conflicting_delivery_count, and each
-- usable delivery the run stored has its event among them.
-- Catches: deliveries that never became events (a batch lost between int_idr__deliveries and
-- idr_events, or a build stopped in between: repaired by the next build), and winner / copy /
-- conflict counting that drops or double-counts a delivery (a fan-out in the payload join).
-- idr_events is a view with one row per int_idr__events row (its join is on a unique key), so the
-- state is read rather than the view. Checks the events of the tested batch of int_idr__events
-- and the deliveries of the tested batch of int_idr__deliveries; a first build checks all of
-- them (every usable delivery against every event, without matching them one by one). Returns
-- one row per source whose counts differ.
{%- set deliveries_at = identity_resolution.idr_tested_batch(deliveries) %}
{%- set events_at = identity_resolution.idr_tested_batch(events) %}
{#- the tested batch of int_idr__events is every event (a first build, a full refresh): the
    deliveries are not matched to them, a delivery without an event
    is then counted in delivered_rows and not in rows_in_events -#}
{%- set checks_every_event = identity_resolution.idr_tested_batch_is_whole(events, tested_batch=events_at) %}
with counted as (

    {# the events the tested batch wrote, by source #}
    select source_name, sum(delivery_count + conflicting_delivery_count) as rows_in_events
    from {{ events }}
    where _batch_at = {{ events_at }}
    group by source_name

),

delivered as (

    {# the usable deliveries of those events; of them, the ones the tested batch stored #}
    select
        deliveries.source_name,
        count(*) as delivered_rows,
        sum(case when deliveries._batch_at = {{ deliveries_at }} then 1 else 0 end) as new_rows_with_event
    from {{ deliveries }} as deliveries
    where deliveries.quarantine_reason is null
        {%- if not checks_every_event %}
        and deliveries.event_key in (
            select event_key from {{ events }}
            where _batch_at = {{ events_at }}
        )
        {%- endif %}
    group by deliveries.source_name

),

new_deliveries as (

    select source_name, count(*) as new_rows
    from {{ deliveries }}
    where _batch_at = {{ deliveries_at }}
        and quarantine_reason is null
    group by source_name

),

final as (

    select
        coalesce(counted.source_name, delivered.source_name, new_deliveries.source_name) as source_name,
        coalesce(delivered.delivered_rows, 0) as delivered_rows,
        coalesce(counted.rows_in_events, 0) as rows_in_events,
        coalesce(new_deliveries.new_rows, 0) as new_rows,
        coalesce(delivered.new_rows_with_event, 0) as new_rows_with_event
    from counted
    full outer join delivered
        on counted.source_name = delivered.source_name
    full outer join new_deliveries
        on coalesce(counted.source_name, delivered.source_name) = new_deliveries.source_name
    where coalesce(delivered.delivered_rows, 0) <> coalesce(counted.rows_in_events, 0)
        or coalesce(new_deliveries.new_rows, 0) <> coalesce(delivered.new_rows_with_event, 0)

)

select * from final
{%- if partial_build %}
where 1 = 0
{%- endif %}
