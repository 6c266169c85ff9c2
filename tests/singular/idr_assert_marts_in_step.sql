{%- set node_profiles = ref('int_idr__node_profiles') -%}
{%- set nodes = ref('int_idr__nodes') -%}
{%- set profiles = ref('idr_profiles') -%}
{%- set traits = ref('idr_profile_traits') -%}
{#- A build that selects only part of the package leaves the models it did not select behind
    their inputs until the next build; the test waits for a build that builds all of them. -#}
{%- set partial_build = flags.WHICH == 'build'
    and model.depends_on.nodes | reject('in', selected_resources) | list | length > 0 -%}
-- idr_profiles and idr_profile_traits agree with the identifiers they are built from: every profile
-- that holds identifiers has one row in each, with the identifier count, event count and first /
-- last seen of its identifiers now, and no other profile has a row. Marts are written one model
-- at a time (DECISIONLOG 17): a build stopped after int_idr__node_profiles (which idr_identifiers
-- and idr_events read) and before these tables, or one whose idr_profiles failed, leaves them
-- apart until the next build catches them up; this test fails loudly until then.
-- Catches: a stopped or failed build (until repaired), and an incremental run that did not
-- recompute a profile whose identifiers or events changed, or did not delete a profile merged
-- away, split off or emptied.
-- Checks the profiles whose identifiers changed since idr_profiles / idr_profile_traits were last
-- written, and the rows that write wrote. A write that rebuilt both tables from scratch (a first
-- build, --full-refresh) computed them from the state of the same run, by the formula this test
-- would repeat, so only what changed after it is checked. Returns one row per profile that
-- differs, with the problem.
{#- the older of the two tables' last writes (the state changed since is what they may lag behind),
    and whether that write rebuilt both from scratch; read when the test is compiled, so the filters
    below compare with constants (idr_batch_range) -#}
{%- set profiles_range = identity_resolution.idr_batch_range(profiles) -%}
{%- set traits_range = identity_resolution.idr_batch_range(traits) -%}
{%- if profiles_range['newest_text'] is not none and traits_range['newest_text'] is not none
    and profiles_range['newest_text'] < traits_range['newest_text'] -%}
    {%- set mark_text = profiles_range['newest_text'] -%}
{%- else -%}
    {%- set mark_text = traits_range['newest_text'] -%}
{%- endif -%}
{%- set mark = identity_resolution.idr_timestamp_literal(mark_text or '1900-01-01 00:00:00') -%}
{%- set is_rebuilt = profiles_range['is_rebuilt'] and traits_range['is_rebuilt']
    and profiles_range['newest_text'] == traits_range['newest_text'] -%}
{#- rows written since the mark (at the mark too, unless that write rebuilt the tables) -#}
{%- set since = '> ' ~ mark if is_rebuilt else '>= ' ~ mark %}
with scope as (

    select node_profiles.profile_id
    from {{ node_profiles }} as node_profiles
    where node_profiles._batch_at {{ since }}
        and node_profiles.profile_id is not null

    union

    select node_profiles.previous_profile_id
    from {{ node_profiles }} as node_profiles
    where node_profiles._batch_at {{ since }}
        and node_profiles.previous_profile_id is not null

    union

    {# identifiers whose counts changed: their profile's counts did #}
    select node_profiles.profile_id
    from {{ nodes }} as nodes
    inner join {{ node_profiles }} as node_profiles
        on nodes.node_id = node_profiles.node_id
    where nodes._batch_at {{ since }}
        and node_profiles.profile_id is not null

    {%- if not is_rebuilt %}

    union

    select profiles.profile_id
    from {{ profiles }} as profiles
    where profiles._batch_at = {{ mark }}

    union

    select traits.profile_id
    from {{ traits }} as traits
    where traits._batch_at = {{ mark }}
    {%- endif %}

),

expected as (

    select
        node_profiles.profile_id,
        count(*) as identifier_count,
        sum(nodes.anchored_event_count) as event_count,
        min(nodes.first_seen_at) as first_seen_at,
        max(nodes.last_seen_at) as last_seen_at
    from {{ node_profiles }} as node_profiles
    inner join {{ nodes }} as nodes
        on node_profiles.node_id = nodes.node_id
    where node_profiles.profile_id in (select profile_id from scope)
    group by node_profiles.profile_id

),

profiles_in_scope as (

    select profiles.*
    from {{ profiles }} as profiles
    where profiles.profile_id in (select profile_id from scope)

),

traits_in_scope as (

    select traits.profile_id
    from {{ traits }} as traits
    where traits.profile_id in (select profile_id from scope)

),

profile_faults as (

    select
        case
            when profiles_in_scope.profile_id is null then 'profile missing from idr_profiles'
            when expected.profile_id is null then 'idr_profiles row of a profile without identifiers'
            else 'idr_profiles counts or times differ from its identifiers'
        end as problem,
        coalesce(expected.profile_id, profiles_in_scope.profile_id) as profile_id,
        expected.identifier_count as identifiers_now,
        profiles_in_scope.identifier_count as identifiers_in_idr_profiles,
        expected.event_count as events_now,
        profiles_in_scope.event_count as events_in_idr_profiles
    from expected
    full outer join profiles_in_scope
        on expected.profile_id = profiles_in_scope.profile_id
    where expected.profile_id is null
        or profiles_in_scope.profile_id is null
        or expected.identifier_count <> profiles_in_scope.identifier_count
        or expected.event_count <> profiles_in_scope.event_count
        or expected.first_seen_at <> profiles_in_scope.first_seen_at
        or expected.last_seen_at <> profiles_in_scope.last_seen_at

),

trait_faults as (

    select
        case
            when traits_in_scope.profile_id is null then 'profile missing from idr_profile_traits'
            else 'idr_profile_traits row of a profile without identifiers'
        end as problem,
        coalesce(expected.profile_id, traits_in_scope.profile_id) as profile_id,
        expected.identifier_count as identifiers_now,
        cast(null as {{ dbt.type_bigint() }}) as identifiers_in_idr_profiles,
        expected.event_count as events_now,
        cast(null as {{ dbt.type_bigint() }}) as events_in_idr_profiles
    from expected
    full outer join traits_in_scope
        on expected.profile_id = traits_in_scope.profile_id
    where expected.profile_id is null
        or traits_in_scope.profile_id is null

),

final as (

    select * from profile_faults
    union all
    select * from trait_faults

)

select * from final
{%- if partial_build %}
where 1 = 0
{%- endif %}
