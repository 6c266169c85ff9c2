{%- set cfg = identity_resolution.idr_config() -%}
{{ config(unique_key='profile_id') }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{#- read on incremental runs (named here so that dbt sees the dependency while parsing) -#}
{%- set changes = ref('int_idr__occurrences') -%}
{%- set events = ref('int_idr__events') -%}
{%- set traits = cfg['traits'] -%}
{%- set trait_columns = [] -%}
{%- for trait in traits -%}
    {%- do trait_columns.append('trait__' ~ trait) -%}
{%- endfor -%}
{%- set suppressions = ref('int_idr__suppressions') -%}
{%- set any_suppressed = identity_resolution.idr_suppression_changes(suppressions, watermark)['any_active'] -%}

with

{%- if incremental %}
changed as (

    {# profiles whose identifiers changed, and profiles of events that changed #}
    {{ identity_resolution.idr_changed_profiles(watermark, ref('int_idr__node_profiles'), ref('int_idr__occurrences')) | indent(4) }}
    union
    select node_profiles.profile_id
    from {{ events }} as events
    inner join {{ ref('int_idr__node_profiles') }} as node_profiles
        on events.anchor_node_id = node_profiles.node_id
    where events._batch_at > {{ watermark }}
        and node_profiles.profile_id is not null

),
{%- endif %}

member_nodes as {{ identity_resolution.idr_materialized_cte() if incremental }}(

    {#- the identifiers of the profiles to compute (on an incremental run, computed once and
        joined to the trait events, so that only their events are read) #}
    select node_profiles.node_id, node_profiles.profile_id
    from {{ identity_resolution.idr_rows_where(ref('int_idr__node_profiles'),
        'profile_id in (select profile_id from changed)' if incremental else none) }} as node_profiles
    where node_profiles.profile_id is not null

),

profiles as (

    select distinct profile_id from member_nodes

),

{%- if traits | length > 0 %}

stamped as (

    {# every event that carries a trait, with its profile #}
    select
        member_nodes.profile_id,
        trait_events.source_name,
        trait_events.event_id,
        trait_events.occurred_at,
        {%- for column in trait_columns %}
        {%- if any_suppressed %}
        {#- a trait holding a suppressed identifier (the email trait of a suppressed email) is blank #}
        {%- set conditions = [] %}
        {%- for t in cfg['types'] %}
            {%- do conditions.append(identity_resolution.idr_node_id(cfg, "'" ~ t['name'] ~ "'",
                identity_resolution.idr_identifier_value('trait_events.' ~ column, t))) %}
        {%- endfor %}
        case when exists (
            select 1 from {{ suppressions }} as suppressed
            where suppressed.is_active and suppressed.node_id in ({{ conditions | join(', ') }})
        ) then null else trait_events.{{ column }} end as {{ column }}
        {%- else %}
        trait_events.{{ column }}
        {%- endif %}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ identity_resolution.idr_rows_where(ref('int_idr__trait_events'),
        'anchor_node_id in (select node_id from member_nodes)' if incremental else none) }} as trait_events
    inner join member_nodes
        on trait_events.anchor_node_id = member_nodes.node_id

),

latest as (

    {# last write wins: latest occurred_at, then source and event id as tie-breaks #}
    {{ identity_resolution.idr_latest_values(
        'stamped', 'profile_id', trait_columns, traits, 'occurred_at', ['source_name', 'event_id']) | indent(4) }}

),
{%- endif %}

final as (

    select
        profiles.profile_id,
        {%- for trait in traits %}
        latest.{{ trait }},
        {%- endfor %}
        {%- if traits | length > 0 %}
        latest.updated_at,
        {%- else %}
        cast(null as {{ dbt.type_timestamp() }}) as updated_at,
        {%- endif %}
        {%- if incremental %}
        false as _idr_deleted,
        {%- endif %}
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from profiles
    {%- if traits | length > 0 %}
    left join latest
        on profiles.profile_id = latest.profile_id
    {%- endif %}
    {%- if incremental %}

    union all

    select
        changed.profile_id,
        {%- for trait in traits %}
        cast(null as {{ dbt.type_string() }}) as {{ trait }},
        {%- endfor %}
        cast(null as {{ dbt.type_timestamp() }}) as updated_at,
        true as _idr_deleted,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from changed
    where changed.profile_id not in (select profile_id from profiles)
    {%- endif %}

)

select * from final
