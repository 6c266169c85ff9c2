{%- set nodes = ref('int_idr__nodes') -%}
{%- set node_profiles = ref('int_idr__node_profiles') -%}
{%- set events = ref('int_idr__events') -%}
{%- set occurrences = ref('int_idr__occurrences') -%}
{#- A build that selects only part of the package leaves the models it did not select behind
    their inputs until the next build; the test waits for a build that builds all of them. -#}
{%- set partial_build = flags.WHICH == 'build'
    and model.depends_on.nodes | reject('in', selected_resources) | list | length > 0 -%}
-- Every identifier an event carries is in exactly one profile, and every event with an anchor has
-- a profile: at most one because int_idr__node_profiles has one row per node (its grain test); at
-- least one is checked here, with its converse (an identifier that disappeared keeps no profile).
-- Catches: a new or re-resolved identifier the resolution or the id assignment missed (missing from
-- idr_identifiers, and its events without profile_id in idr_events although resolved_by_value is
-- set), and an identifier no event carries any more that was not tombstoned (it would keep its
-- profile alive, with nothing to show, in idr_profile_id_map) - such as every published profile
-- after idr_hash_salt changed without idr_reset_profile_ids: node ids change with the salt, and
-- the published ids, kept through --full-refresh, cannot follow them.
-- Checks what the tested batches (idr_tested_batch: this build's; in `dbt test`, the newest) of
-- int_idr__nodes, int_idr__node_profiles and int_idr__events wrote, the identifiers that lost an
-- event in the tested batch of int_idr__occurrences, and every published profile after a rebuild
-- of int_idr__nodes; a first build checks everything. Returns one row per identifier or event in
-- fault, with the problem.
{%- set nodes_at = identity_resolution.idr_tested_batch(nodes) %}
{%- set node_profiles_at = identity_resolution.idr_tested_batch(node_profiles) %}
{%- set events_at = identity_resolution.idr_tested_batch(events) %}
{%- set occurrences_at = identity_resolution.idr_tested_batch(occurrences) %}
with identifiers_without_profile as (

    {# identifiers the tested batch wrote, without a published profile #}
    select nodes.node_id
    from {{ nodes }} as nodes
    left join {{ node_profiles }} as node_profiles
        on nodes.node_id = node_profiles.node_id
        and node_profiles.profile_id is not null
    where nodes._batch_at = {{ nodes_at }}
        and node_profiles.node_id is null

    union all

    {# identifiers still carried whose profile the tested batch took away #}
    select node_profiles.node_id
    from {{ node_profiles }} as node_profiles
    inner join {{ nodes }} as nodes
        on node_profiles.node_id = nodes.node_id
    where node_profiles._batch_at = {{ node_profiles_at }}
        and node_profiles.profile_id is null

),

gone_candidates as (

    {# profiles the tested batch published, and identifiers that lost an event in it #}
    select node_id from {{ node_profiles }}
    where _batch_at = {{ node_profiles_at }}
        and profile_id is not null

    union all

    select node_id from {{ occurrences }}
    where _batch_at = {{ occurrences_at }}
        and not is_current

    union all

    {# after int_idr__nodes was rebuilt (a first build, --full-refresh), every published profile:
        the published ids are kept through --full-refresh, and a changed idr_hash_salt (or hash
        function) gives every identifier a new node_id, which leaves the kept rows on old ids #}
    select node_id from {{ node_profiles }}
    where profile_id is not null
        and (select min(_batch_at) from {{ nodes }}) = {{ nodes_at }}

),

profiles_without_identifier as (

    select node_profiles.node_id
    from {{ node_profiles }} as node_profiles
    left join {{ nodes }} as nodes
        on node_profiles.node_id = nodes.node_id
    where node_profiles.profile_id is not null
        and node_profiles.node_id in (select node_id from gone_candidates)
        and nodes.node_id is null

),

events_in_scope as (

    {# events the tested batch wrote, and events whose anchor lost its profile in it #}
    select event_key, anchor_node_id from {{ events }}
    where _batch_at = {{ events_at }}
        and anchor_node_id is not null

    union all

    select event_key, anchor_node_id from {{ events }}
    where anchor_node_id in (
        select node_id from {{ node_profiles }}
        where _batch_at = {{ node_profiles_at }}
            and profile_id is null
    )

),

events_without_profile as (

    select events_in_scope.anchor_node_id as node_id, events_in_scope.event_key
    from events_in_scope
    left join {{ node_profiles }} as node_profiles
        on events_in_scope.anchor_node_id = node_profiles.node_id
        and node_profiles.profile_id is not null
    where node_profiles.node_id is null

),

final as (

    select distinct
        'identifier without a profile' as problem,
        node_id,
        cast(null as {{ dbt.type_bigint() }}) as event_key
    from identifiers_without_profile

    union all

    select
        'profile kept by an identifier no event carries' as problem,
        node_id,
        cast(null as {{ dbt.type_bigint() }}) as event_key
    from profiles_without_identifier

    union all

    select
        'event with an anchor but no profile' as problem,
        node_id,
        event_key
    from events_without_profile

)

select * from final
{%- if partial_build %}
where 1 = 0
{%- endif %}
