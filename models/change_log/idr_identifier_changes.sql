{%- set cfg = identity_resolution.idr_config() -%}
{#- The change log of identifiers: append-only, kept through --full-refresh. A row is written once
    and never changed, except that the value of a suppressed identifier is blanked in every row. -#}
{{ config(unique_key=['node_id', '_batch_at'], full_refresh=false) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set suppressions = ref('int_idr__suppressions') -%}
{%- set events = ref('int_idr__events') -%}

{#- changed, new_occurrences and mapped_occurrences are each read more than once and inlined:
    storing a first build's 16M occurrences cost more time than reading them twice, and spilled
    under a memory cap (moved_occurrences is empty on a first build and small on later runs) -#}
with changed as {{ identity_resolution.idr_inlined_cte() }}(

    select *
    from {{ ref('int_idr__node_profiles') }}
    where change_type in ('mapped', 'moved', 'removed')
    {%- if incremental %}
        and _batch_at > {{ watermark }}
    {%- endif %}

),

new_occurrences as {{ identity_resolution.idr_inlined_cte() }}(

    {# the identifiers this run's events carry, with the event's time and anchor #}
    select
        node_id,
        event_key,
        occurred_at,
        anchor_node_id
    from {{ ref('int_idr__occurrences') }}
    where is_current
        {%- if incremental %}
        and _batch_at > {{ watermark }}
        {%- endif %}

),

mapped_occurrences as {{ identity_resolution.idr_inlined_cte() }}(

    select
        new_occurrences.node_id,
        new_occurrences.event_key,
        new_occurrences.occurred_at
    from new_occurrences
    inner join changed
        on new_occurrences.node_id = changed.node_id
        and changed.change_type = 'mapped'

),

moved_occurrences as (

    {# the run's events in the profile an identifier moved to #}
    select
        node_profiles.profile_id,
        new_occurrences.event_key,
        new_occurrences.occurred_at
    from new_occurrences
    inner join {{ ref('int_idr__node_profiles') }} as node_profiles
        on new_occurrences.anchor_node_id = node_profiles.node_id
    where node_profiles.profile_id in (select profile_id from changed where change_type = 'moved')

),

first_carried as (

    {# an identifier first mapped: the earliest event of the run that carried it. A first build's
        run carried every event, so that time is the identifier's first_seen_at: the 16M
        occurrences (at 10M events) are not grouped for it #}
    {{ identity_resolution.idr_earliest_event_of('mapped_occurrences', 'node_id', events,
        first_times=none if incremental else
            '(select node_id, first_seen_at as occurred_at from ' ~ ref('int_idr__nodes') ~ ')') | indent(4) }}

),

first_in_profile as (

    {# an identifier moved: the earliest event of the run in its new profile #}
    {{ identity_resolution.idr_earliest_event_of('moved_occurrences', 'profile_id', events) | indent(4) }}

),

{%- if incremental %}

last_known as (

    {# the value of an identifier that disappeared, from its own earlier rows #}
    select node_id, max(identifier_type) as identifier_type, max(identifier_value) as identifier_value
    from {{ this }}
    where node_id in (select node_id from changed where change_type = 'removed')
    group by node_id

),
{%- endif %}

suppressed as (

    select node_id from {{ suppressions }} where is_active

),

new_rows as (

    select
        changed.node_id,
        changed.change_type,
        coalesce(nodes.identifier_type{% if incremental %}, last_known.identifier_type{% endif %}) as identifier_type,
        case when changed.node_id in (select node_id from suppressed) then null
            else coalesce(nodes.identifier_value{% if incremental %}, last_known.identifier_value{% endif %}) end
            as identifier_value,
        changed.profile_id,
        changed.previous_profile_id,
        coalesce(first_carried.source_name, first_in_profile.source_name) as triggering_source_name,
        coalesce(first_carried.event_id, first_in_profile.event_id) as triggering_event_id,
        coalesce(first_carried.occurred_at, first_in_profile.occurred_at) as triggering_occurred_at,
        '{{ invocation_id }}' as run_id,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from changed
    left join {{ ref('int_idr__nodes') }} as nodes
        on changed.node_id = nodes.node_id
    left join first_carried
        on changed.node_id = first_carried.node_id
        and changed.change_type = 'mapped'
    left join first_in_profile
        on changed.profile_id = first_in_profile.profile_id
        and changed.change_type = 'moved'
    {%- if incremental %}
    left join last_known
        on changed.node_id = last_known.node_id
    {%- endif %}

),

final as (

    select
        run_id,
        _batch_at as run_at,
        change_type,
        identifier_type,
        identifier_value,
        profile_id,
        previous_profile_id,
        triggering_source_name,
        triggering_event_id,
        triggering_occurred_at,
        node_id,
        _batch_at
    from new_rows
    {%- if incremental %}

    union all

    {# earlier rows of an identifier suppressed since: the same rows, value blanked #}
    select
        previous.run_id,
        previous.run_at,
        previous.change_type,
        previous.identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_value,
        previous.profile_id,
        previous.previous_profile_id,
        previous.triggering_source_name,
        previous.triggering_event_id,
        previous.triggering_occurred_at,
        previous.node_id,
        previous._batch_at
    from {{ this }} as previous
    where previous.identifier_value is not null
        and previous.node_id in (select node_id from suppressed)
    {%- endif %}

)

select * from final
