-- Every delivered event (source_name, event_id) appears in idr_events exactly once, and nothing else does.
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

stamped as (

    select
        source_name,
        event_id,
        count(*) as row_count
    from {{ ref('idr_events') }}
    group by source_name, event_id

),

compared as (

    select
        coalesce(delivered.source_name, stamped.source_name) as source_name,
        coalesce(delivered.event_id, stamped.event_id) as event_id,
        case
            when stamped.event_id is null then 'missing from idr_events'
            when delivered.event_id is null then 'not a delivered event'
            else {{ dbt.concat(["'appears '", "cast(stamped.row_count as " ~ dbt.type_string() ~ ")", "' times'"]) }}
        end as problem
    from delivered
    full outer join stamped
        on delivered.source_name = stamped.source_name
        and delivered.event_id = stamped.event_id
    where delivered.event_id is null
        or stamped.event_id is null
        or stamped.row_count <> 1

)

select * from compared
