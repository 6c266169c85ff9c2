-- Every delivered event (source_name, event_id) appears in idr_events exactly once: as many rows
-- as distinct delivered events, and as many distinct keys as rows. (idr_events only ever holds
-- delivered events, so equal counts mean nothing is missing.)
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
        (select count(*) from {{ ref('idr_events') }}) as event_rows,
        (select count(*) from (select distinct source_name, event_id from {{ ref('idr_events') }}) as keys) as event_keys

)

select *
from counts
where delivered_events <> event_rows
    or event_rows <> event_keys
