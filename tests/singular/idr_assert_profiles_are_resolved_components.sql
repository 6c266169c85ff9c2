{%- set node_profiles = ref('int_idr__node_profiles') -%}
{%- set components = ref('int_idr__node_components') -%}
{#- A build that selects only part of the package leaves the models it did not select behind
    their inputs until the next build; the test waits for a build that builds all of them. -#}
{%- set partial_build = flags.WHICH == 'build'
    and model.depends_on.nodes | reject('in', selected_resources) | list | length > 0 -%}
-- Each published profile is exactly one resolved component of int_idr__node_components and names
-- exactly one of its identifiers as its key. Catches: the id assignment of int_idr__node_profiles
-- giving one id to two components (two people the resolution kept apart shown as one) or two ids
-- to one component (one person shown as two), rows of a re-resolved region it failed to rewrite,
-- and a profile with no key or two keys (its id would stop following its key identifier through
-- merges and splits, and idr_profiles.profile_key_* would be wrong).
-- Checks the components the tested batch of int_idr__node_components wrote and those holding an
-- identifier of a profile the tested batch of int_idr__node_profiles touched; a first build checks
-- every one. Returns one row per profile or component in fault, with the problem.
{%- set node_profiles_batch = identity_resolution.idr_tested_batch(node_profiles) %}
{%- set components_batch = identity_resolution.idr_tested_batch(components) %}
{#- the tested batch wrote every component (a first build, a full refresh, a run that re-resolved
    every node; read when the test is compiled): every component is checked, with no filter. Where
    the range cannot be read when compiling, the same question is asked when the test runs. -#}
{%- set components_range = identity_resolution.idr_batch_range(components) %}
{%- set checks_every_component = identity_resolution.idr_tested_batch_is_whole(components,
    tested_batch=components_batch, batch_range=components_range) %}
{%- set partial_region = '(select min(_batch_at) from ' ~ components ~ ') < ' ~ components_batch
    if components_range['oldest'] is none else none %}
with
{%- if not checks_every_component %}

changed_profiles as (

    {# (none when the tested batch re-resolved every node: every component is checked anyway) #}
    select profile_id from {{ node_profiles }}
    where _batch_at = {{ node_profiles_batch }} and profile_id is not null
        {%- if partial_region %}
        and {{ partial_region }}
        {%- endif %}

    union all

    select previous_profile_id from {{ node_profiles }}
    where _batch_at = {{ node_profiles_batch }} and previous_profile_id is not null
        {%- if partial_region %}
        and {{ partial_region }}
        {%- endif %}

),

changed_components as (

    select component_id from {{ components }}
    where _batch_at = {{ components_batch }}

    union all

    {# and the components of those profiles #}
    select components.component_id
    from {{ node_profiles }} as node_profiles
    inner join {{ components }} as components
        on node_profiles.node_id = components.node_id
    where node_profiles.profile_id in (select profile_id from changed_profiles)

),
{%- endif %}

by_component as (

    {# each component checked: its profile ids and key identifiers #}
    select
        components.component_id,
        min(node_profiles.profile_id) as profile_id,
        max(node_profiles.profile_id) as other_profile_id,
        sum(case when node_profiles.is_profile_key then 1 else 0 end) as key_count
    from {{ components }} as components
    inner join {{ node_profiles }} as node_profiles
        on components.node_id = node_profiles.node_id
    where node_profiles.profile_id is not null
        {%- if not checks_every_component %}
        and components.component_id in (select component_id from changed_components)
        {%- endif %}
    group by components.component_id

),

spanning as (

    {# a profile id given to several components #}
    select profile_id, count(*) as component_count
    from by_component
    group by profile_id
    having count(*) > 1

),

final as (

    select
        'resolved component under several profile ids' as problem,
        profile_id,
        component_id
    from by_component
    where profile_id <> other_profile_id

    union all

    select
        'profile without exactly one key identifier' as problem,
        profile_id,
        component_id
    from by_component
    where profile_id = other_profile_id and key_count <> 1

    union all

    select
        'profile spanning several resolved components' as problem,
        profile_id,
        cast(null as {{ dbt.type_bigint() }}) as component_id
    from spanning

)

select * from final
{%- if partial_build %}
where 1 = 0
{%- endif %}
