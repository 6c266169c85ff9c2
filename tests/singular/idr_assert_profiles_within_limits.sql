{%- set cfg = identity_resolution.idr_config() -%}
{%- set limited_types = cfg['types'] | selectattr('limit') | list -%}
{%- set node_profiles = ref('int_idr__node_profiles') -%}
{#- A build that selects only part of the package leaves the models it did not select behind
    their inputs until the next build; the test waits for a build that builds all of them. -#}
{%- set partial_build = flags.WHICH == 'build'
    and model.depends_on.nodes | reject('in', selected_resources) | list | length > 0 -%}
-- No profile holds more values of an identifier type than the type's limit (idr_identifier_types).
-- Catches: a resolution that accepted an edge it had to reject (limits ignored or miscounted in a
-- resolution loop, or a component left out of the limited resolution), and published ids that put
-- two resolved components under one profile id (an incremental run's id assignment).
-- Checks the profiles that gained or kept identifiers in the tested batch of
-- int_idr__node_profiles (a profile grows only by rows written there); a first build checks every
-- profile. Returns one row per profile and type over its limit.
{%- if limited_types | length == 0 %}
select
    cast(null as {{ dbt.type_string() }}) as profile_id,
    cast(null as {{ dbt.type_string() }}) as identifier_type,
    0 as value_count,
    0 as type_limit
where 1 = 0
{%- else %}
with changed_profiles as (

    select profile_id from {{ node_profiles }}
    where _batch_at = {{ identity_resolution.idr_tested_batch(node_profiles) }}
        and profile_id is not null

),

limited_identifiers as (

    select
        node_profiles.profile_id,
        nodes.identifier_type
    from {{ ref('int_idr__nodes') }} as nodes
    inner join {{ node_profiles }} as node_profiles
        on nodes.node_id = node_profiles.node_id
    where node_profiles.profile_id in (select profile_id from changed_profiles)
        and nodes.identifier_type in ('{{ limited_types | map(attribute="name") | join("', '") }}')

),

counted as (

    select
        profile_id,
        identifier_type,
        count(*) as value_count,
        case identifier_type
            {%- for t in limited_types %}
            when '{{ t["name"] }}' then {{ t['limit'] }}
            {%- endfor %}
        end as type_limit
    from limited_identifiers
    group by profile_id, identifier_type

),

final as (

    select * from counted
    where value_count > type_limit

)

select * from final
{%- if partial_build %}
where 1 = 0
{%- endif %}
{%- endif %}
