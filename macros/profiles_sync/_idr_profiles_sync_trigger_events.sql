{#- A CTE `trigger_events` (ending with a comma) for the Profiles Sync change tables: the type and
    name of every event that `rows` (a CTE with triggering_source_name, triggering_event_id,
    triggering_occurred_at) names. Versions of one event at the same time: the smallest values. -#}
{% macro _idr_profiles_sync_trigger_events(rows) %}
trigger_events as (

    select
        events.source_name,
        events.event_id,
        events.occurred_at,
        min(events.event_type) as event_type,
        min(events.event_name) as event_name
    from {{ ref('int_idr__events') }} as events
    inner join (
        select distinct triggering_source_name, triggering_event_id, triggering_occurred_at
        from {{ rows }}
        where triggering_event_id is not null
    ) as triggers
        on events.source_name = triggers.triggering_source_name
        and events.event_id = triggers.triggering_event_id
        and events.occurred_at = triggers.triggering_occurred_at
    group by events.source_name, events.event_id, events.occurred_at

),
{% endmacro %}
