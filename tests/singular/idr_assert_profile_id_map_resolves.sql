{%- set node_profiles = ref('int_idr__node_profiles') -%}
{%- set changes = ref('idr_profile_changes') -%}
{#- A build that selects only part of the package leaves the models it did not select behind
    their inputs until the next build; the test waits for a build that builds all of them. -#}
{%- set partial_build = flags.WHICH == 'build'
    and model.depends_on.nodes | reject('in', selected_resources) | list | length > 0 -%}
-- idr_profile_id_map resolves every profile id: the map lists each id published by a `created` or
-- `split` row of idr_profile_changes once, an id in use maps to itself (`active`), and a retired
-- id (a `merged` or `removed` row) maps to where its identifiers are. So: each profile that holds
-- identifiers has exactly one `created` / `split` row, and none of them was retired.
-- Catches: a profile id the change log never published (a created, split or re-keyed profile left
-- without its row: the map would not know it, and a table keyed by it could not be re-keyed), an
-- id handed out twice, and a retired id brought back into use (the log would say it is merged
-- while it holds people) - bugs of the id assignment (int_idr__node_profiles) or of
-- idr_profile_changes. Read from the change log and the state (the map is a view over them).
-- Checks the ids the tested batch of int_idr__node_profiles touched and the ids the tested batch of
-- idr_profile_changes published; while the log holds a single batch (a first build, or after
-- idr_reset_profile_ids) it was written from the state of the same run as a backfill, one
-- `created` row per profile, and nothing is checked. Returns one row per id in fault.
{%- set changes_batch = identity_resolution.idr_tested_batch(changes) %}
{%- set node_profiles_at = identity_resolution.idr_tested_batch(node_profiles) %}
{#- a backfill: the log's oldest batch is the tested one (read when the test is compiled) #}
{%- set is_backfill = identity_resolution.idr_tested_batch_is_whole(changes, tested_batch=changes_batch) %}
with active as (

    {# ids in use that the tested batch of int_idr__node_profiles gave or kept #}
    select distinct node_profiles.profile_id
    from {{ node_profiles }} as node_profiles
    where node_profiles._batch_at = {{ node_profiles_at }}
        and node_profiles.profile_id is not null
        {%- if is_backfill %}
        and 1 = 0
        {%- endif %}

),

published as (

    select profile_id, count(*) as published_rows
    from {{ changes }}
    where change_type in ('created', 'split')
        and (
            profile_id in (select profile_id from active)
            or profile_id in (
                select profile_id from {{ changes }}
                where _batch_at = {{ changes_batch }}
                    and change_type in ('created', 'split')
                    {%- if is_backfill %}
                    and 1 = 0
                    {%- endif %}
            )
        )
    group by profile_id

),

retired as (

    select distinct profile_id
    from {{ changes }}
    where change_type in ('merged', 'removed')
        and profile_id in (select profile_id from active)

),

final as (

    select
        'active profile id never published' as problem,
        active.profile_id
    from active
    left join published
        on active.profile_id = published.profile_id
    where published.profile_id is null

    union all

    select
        'profile id published more than once' as problem,
        profile_id
    from published
    where published_rows > 1

    union all

    select
        'retired profile id in use again' as problem,
        profile_id
    from retired

)

select * from final
{%- if partial_build %}
where 1 = 0
{%- endif %}
