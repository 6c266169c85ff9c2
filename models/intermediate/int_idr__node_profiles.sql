{%- set cfg = identity_resolution.idr_config() -%}
{#- Published profile ids: kept through --full-refresh (idr_reset_profile_ids starts them over).
    Only rows whose profile, key or publication changed are written; a node that disappears keeps a
    tombstone row (profile_id null), which remembers that it once named a profile. -#}
{{ config(materialized='idr_incremental', unique_key='node_id', full_refresh=false) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set batch = identity_resolution.idr_batch_at() -%}
{#- read on incremental runs (named here so that dbt sees the dependency while parsing) -#}
{%- set changes = ref('int_idr__occurrences') -%}
{%- set batch_text = run_started_at.strftime('%Y-%m-%dT%H:%M:%S.%fZ') -%}

with components as (

    select * from {{ ref('int_idr__node_components') }}

),

{%- if incremental %}

touched as (

    {# nodes re-resolved since this model last ran, and nodes that disappeared #}
    select node_id from components
    where _batch_at > {{ watermark }}

    union

    select node_id from {{ changes }}
    where _batch_at > {{ watermark }}

),

region_components as (

    select distinct components.component_id
    from components
    inner join touched
        on components.node_id = touched.node_id

),

region_nodes as (

    select components.node_id, components.component_id
    from components
    inner join region_components
        on components.component_id = region_components.component_id

),
{%- else %}

region_nodes as (

    {# a first build resolves every node: the region is the whole graph, no join finds it #}
    select node_id, component_id from components

),
{%- endif %}

nodes as (

    {#- on an incremental run only the region's rows are read #}
    select region_rows.* from {{ identity_resolution.idr_rows_where(ref('int_idr__nodes'),
        'node_id in (select node_id from region_nodes)' if incremental else none) }} as region_rows

),

members as (

    {# every node of every component touched, as it is now #}
    select
        region_nodes.node_id,
        region_nodes.component_id,
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.priority_rank,
        nodes.first_seen_at
    from region_nodes
    inner join nodes
        on region_nodes.node_id = nodes.node_id

),

{%- if incremental %}

previous as (

    {# the published state of those nodes, and of the nodes that disappeared #}
    select published.*
    from {{ this }} as published
    where published.node_id in (select node_id from members union select node_id from touched)

),

previous_profiles as (

    select distinct profile_id, profile_published_at
    from previous
    where profile_id is not null

),

surviving_keys as (

    {# a profile claims the component holding the identifier it is named after #}
    select
        previous_profiles.profile_id,
        previous_profiles.profile_published_at,
        members.component_id,
        members.node_id as key_node_id,
        members.first_seen_at as key_first_seen_at
    from previous_profiles
    inner join {{ this }} as keys
        on previous_profiles.profile_id = keys.profile_id
        and keys.is_profile_key
    inner join members
        on keys.node_id = members.node_id

),

rekeyed as (

    {# a profile whose key identifier disappeared (suppressed, or its only event changed) is named
        after its earliest remaining identifier instead #}
    select profile_id, profile_published_at, component_id, key_node_id, key_first_seen_at
    from (
        select
            previous.profile_id,
            previous.profile_published_at,
            members.component_id,
            members.node_id as key_node_id,
            members.first_seen_at as key_first_seen_at,
            row_number() over (
                partition by previous.profile_id
                order by members.first_seen_at, members.priority_rank,
                    {{ identity_resolution.idr_binary_order('members.identifier_type') }},
                    {{ identity_resolution.idr_binary_order('members.identifier_value') }}
            ) as seen_order
        from previous
        inner join members
            on previous.node_id = members.node_id
        where previous.profile_id is not null
            and previous.profile_id not in (select profile_id from surviving_keys)
    ) as ranked
    where seen_order = 1

),

claims as (

    select * from surviving_keys
    union all
    select * from rekeyed

),

kept as (

    {# of several profiles claiming one component (a merge), the oldest published keeps its id #}
    select profile_id, profile_published_at, component_id, key_node_id
    from (
        select
            claims.*,
            row_number() over (
                partition by claims.component_id
                order by claims.profile_published_at, claims.key_first_seen_at,
                    {{ identity_resolution.idr_binary_order('claims.profile_id') }}
            ) as claim_order
        from claims
    ) as ranked
    where claim_order = 1

),
{%- endif %}

firsts as (

    {# a component no profile claims gets a new profile, named after its earliest identifier #}
    select node_id, component_id, identifier_type, identifier_value
    from (
        select
            members.*,
            row_number() over (
                partition by members.component_id
                order by members.first_seen_at, members.priority_rank,
                    {{ identity_resolution.idr_binary_order('members.identifier_type') }},
                    {{ identity_resolution.idr_binary_order('members.identifier_value') }}
            ) as seen_order
        from members
        {%- if incremental %}
        where members.component_id not in (select component_id from kept)
        {%- endif %}
    ) as ranked
    where seen_order = 1

),

created as (

    select
        firsts.component_id,
        {# md5 of 'type:value', as a build from scratch names it; an identifier that named a
            profile before (since merged away) must not give its id out again #}
        {%- set named = dbt.hash(dbt.concat(['firsts.identifier_type', "':'", 'firsts.identifier_value'])) %}
        {%- if incremental %}
        case
            when coalesce(published.was_profile_key, false)
                then {{ dbt.hash(dbt.concat(['firsts.identifier_type', "':'", 'firsts.identifier_value', "'@" ~ batch_text ~ "'"])) }}
            else {{ named }}
        end as profile_id,
        {%- else %}
        {{ named }} as profile_id,
        {%- endif %}
        {{ batch }} as profile_published_at,
        firsts.node_id as key_node_id
    from firsts
    {%- if incremental %}
    left join {{ this }} as published
        on firsts.node_id = published.node_id
    {%- endif %}

),

assigned as (

    {%- if incremental %}
    select component_id, profile_id, profile_published_at, key_node_id from kept
    union all
    {%- endif %}
    select component_id, profile_id, profile_published_at, key_node_id from created

),

assigned_nodes as (

    select
        members.node_id,
        assigned.profile_id,
        members.node_id = assigned.key_node_id as is_profile_key,
        assigned.profile_published_at
    from members
    inner join assigned
        on members.component_id = assigned.component_id

),

final as (

    select
        assigned_nodes.node_id,
        assigned_nodes.profile_id,
        assigned_nodes.is_profile_key,
        assigned_nodes.profile_published_at,
        {%- if incremental %}
        assigned_nodes.is_profile_key or coalesce(previous.was_profile_key, false) as was_profile_key,
        previous.profile_id as previous_profile_id,
        case
            when previous.profile_id is null then 'mapped'
            when previous.profile_id <> assigned_nodes.profile_id then 'moved'
            else 'rekeyed'
        end as change_type,
        {%- else %}
        assigned_nodes.is_profile_key as was_profile_key,
        cast(null as {{ dbt.type_string() }}) as previous_profile_id,
        'mapped' as change_type,
        {%- endif %}
        {{ batch }} as _batch_at
    from assigned_nodes
    {%- if incremental %}
    left join previous
        on assigned_nodes.node_id = previous.node_id
    where previous.node_id is null
        or previous.profile_id is null
        or previous.profile_id <> assigned_nodes.profile_id
        or previous.is_profile_key <> assigned_nodes.is_profile_key
        or previous.profile_published_at <> assigned_nodes.profile_published_at

    union all

    {# identifiers that disappeared: a tombstone remembers whether they named a profile #}
    select
        previous.node_id,
        cast(null as {{ dbt.type_string() }}) as profile_id,
        false as is_profile_key,
        cast(null as {{ dbt.type_timestamp() }}) as profile_published_at,
        previous.was_profile_key,
        previous.profile_id as previous_profile_id,
        'removed' as change_type,
        {{ batch }} as _batch_at
    from previous
    where previous.profile_id is not null
        and previous.node_id not in (select node_id from members)
    {%- endif %}

)

select * from final
