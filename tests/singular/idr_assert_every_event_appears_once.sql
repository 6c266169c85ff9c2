-- Every delivered event (source_name, event_id) appears in idr_events exactly once: as many rows
-- as distinct delivered events. int_idr__events is unique on the key (its own grain test) and
-- idr_events joins it to idr_identifiers, unique on (type, value), so equal counts leave no room
-- for a missing, extra or repeated event.
with delivered as (
    {%- for input in identity_resolution.idr_inputs() %}

    select distinct
        {{ input['source_name_sql'] }} as source_name,
        event_id
    from {{ ref(input['model']) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

counts as (

    select
        (select count(*) from delivered) as delivered_events,
        (select count(*) from {{ ref('int_idr__events') }}) as collapsed_events,
        (select count(*) from {{ ref('idr_events') }}) as event_rows

)

select *
from counts
where delivered_events <> collapsed_events
    or collapsed_events <> event_rows
