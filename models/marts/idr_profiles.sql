{%- set cfg = identity_resolution.idr_config() -%}
{{ config(unique_key='profile_id') }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{#- read on incremental runs (named here so that dbt sees the dependency while parsing) -#}
{%- set changes = ref('int_idr__occurrences') -%}

with

{%- if incremental %}
changed as (

    {{ identity_resolution.idr_changed_profiles(watermark, ref('int_idr__node_profiles'), ref('int_idr__occurrences')) | indent(4) }}

),
{%- endif %}

member_nodes as {{ identity_resolution.idr_materialized_cte() if incremental }}(

    {#- on an incremental run the changed profiles' members are picked first (computed once), so
        that only they are joined to their nodes #}
    select
        node_profiles.node_id,
        node_profiles.profile_id,
        node_profiles.is_profile_key,
        node_profiles.profile_published_at
    from {{ ref('int_idr__node_profiles') }} as node_profiles
    {%- if incremental %}
    inner join changed
        on node_profiles.profile_id = changed.profile_id
    {%- endif %}
    where node_profiles.profile_id is not null

),

identifiers as {{ identity_resolution.idr_inlined_cte() if not incremental }}(

    {#- read twice (primaries and counts): on a rebuild each reader joins its own, rather than every
        identifier's row being stored with its strings first #}
    select
        member_nodes.profile_id,
        member_nodes.is_profile_key,
        member_nodes.profile_published_at,
        nodes.*
    from member_nodes
    inner join {{ identity_resolution.idr_rows_where(ref('int_idr__nodes'),
        'node_id in (select node_id from member_nodes)' if incremental else none) }} as nodes
        on member_nodes.node_id = nodes.node_id

),

{%- if cfg['primary_types'] | length > 0 %}

primary_ranked as (

    {# a profile's primary value of a type: most events, then most recently seen, then smallest #}
    select
        profile_id,
        identifier_type,
        identifier_value,
        row_number() over (
            partition by profile_id, identifier_type
            order by event_count desc, last_seen_at desc, {{ identity_resolution.idr_binary_order('identifier_value') }}
        ) as primary_order
    from identifiers
    where identifier_type in (
        {%- for t in cfg['primary_types'] %}
        '{{ t["name"] }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    )

),

primaries as (

    select
        profile_id,
        {%- for t in cfg['primary_types'] %}
        max(case when identifier_type = '{{ t["name"] }}' then identifier_value end) as primary_{{ t['column_name'] }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from primary_ranked
    where primary_order = 1
    group by profile_id

),
{%- endif %}

profiles as (

    select
        profile_id,
        min(profile_published_at) as first_published_at,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        count(*) as identifier_count,
        {%- for t in cfg['types'] %}
        sum(case when identifier_type = '{{ t["name"] }}' then 1 else 0 end) as {{ t['column_name'] }}_count,
        {%- endfor %}
        sum(anchored_event_count) as event_count,
        max(last_anchored_event_at) as last_event_at,
        max(case when is_profile_key then identifier_type end) as profile_key_type,
        max(case when is_profile_key then identifier_value end) as profile_key_value
    from identifiers
    group by profile_id

),

final as (

    select
        profiles.profile_id,
        profiles.profile_key_type,
        profiles.profile_key_value,
        {%- for t in cfg['primary_types'] %}
        primaries.primary_{{ t['column_name'] }},
        {%- endfor %}
        profiles.first_seen_at,
        profiles.last_seen_at,
        profiles.identifier_count,
        {%- for t in cfg['types'] %}
        profiles.{{ t['column_name'] }}_count,
        {%- endfor %}
        profiles.event_count,
        profiles.last_event_at,
        profiles.first_published_at,
        {%- if incremental %}
        false as _idr_deleted,
        {%- endif %}
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from profiles
    {%- if cfg['primary_types'] | length > 0 %}
    left join primaries
        on profiles.profile_id = primaries.profile_id
    {%- endif %}
    {%- if incremental %}

    union all

    {# profiles merged away, split off or emptied #}
    select
        changed.profile_id,
        {%- for column in ['profile_key_type', 'profile_key_value'] %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        {%- for t in cfg['primary_types'] %}
        cast(null as {{ dbt.type_string() }}) as primary_{{ t['column_name'] }},
        {%- endfor %}
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_seen_at,
        cast(null as {{ dbt.type_bigint() }}) as identifier_count,
        {%- for t in cfg['types'] %}
        cast(null as {{ dbt.type_bigint() }}) as {{ t['column_name'] }}_count,
        {%- endfor %}
        cast(null as {{ dbt.type_bigint() }}) as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at,
        cast(null as {{ dbt.type_timestamp() }}) as first_published_at,
        true as _idr_deleted,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from changed
    where changed.profile_id not in (select profile_id from profiles)
    {%- endif %}

)

select * from final
