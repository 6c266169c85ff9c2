{#- The body of a Profiles Sync event view: Segment table `table` (identifies, tracks, ...) as it
    was delivered, every column, plus segment_id (the profile the event was first resolved to) and
    canonical_segment_id (its profile now). Rows that are no event (no id or time) are left out;
    a row delivered twice appears twice, as in the raw table. -#}
{% macro _idr_profiles_sync_events(table) %}
    {%- set cfg = identity_resolution.idr_config() -%}
    {%- set inputs = cfg['inputs'] | selectattr('kind', 'equalto', 'segment') | selectattr('table', 'equalto', table) | list -%}
    {%- if inputs | length == 0 -%}
        {{ return('select 1 as disabled') }}
    {%- endif -%}
    {%- set input = inputs[0] -%}

with raw_events as (

    select * from {{ identity_resolution.idr_input_relation(input) }}

),

events as (

    select event_key, event_id, anchor_node_id
    from {{ ref('int_idr__events') }}
    where source_name = '{{ input["name"] }}'

),

final as (

    select
        raw_events.*,
        first_profiles.segment_id,
        node_profiles.profile_id as canonical_segment_id
    from raw_events
    inner join events
        on {{ identity_resolution.idr_clean_text('raw_events.' ~ adapter.quote(input['event_id'])) }} = events.event_id
    left join {{ ref('int_idr__event_first_profiles') }} as first_profiles
        on events.event_key = first_profiles.event_key
    left join {{ ref('int_idr__node_profiles') }} as node_profiles
        on events.anchor_node_id = node_profiles.node_id
        and node_profiles.profile_id is not null

)

select * from final
{%- endmacro %}
