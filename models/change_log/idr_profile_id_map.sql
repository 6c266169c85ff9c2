{#- a view: every profile id ever published, and the profile that holds its identifiers now.
    A downstream table keyed by an old id is re-keyed with one join on profile_id. -#}
with published as (

    select profile_id, key_node_id, run_at as first_published_at
    from {{ ref('idr_profile_changes') }}
    where change_type in ('created', 'split')

),

retired as (

    select profile_id, max(run_at) as retired_at
    from {{ ref('idr_profile_changes') }}
    where change_type in ('merged', 'removed')
    group by profile_id

),

active as (

    select distinct profile_id from {{ ref('int_idr__node_profiles') }} where profile_id is not null

),

final as (

    select
        published.profile_id,
        {#- an active id holds its own identifiers; a retired one's are where its key identifier is #}
        case when active.profile_id is not null then published.profile_id else holder.profile_id end
            as current_profile_id,
        case
            when active.profile_id is not null then 'active'
            when holder.profile_id is not null then 'merged'
            else 'removed'
        end as status,
        published.first_published_at,
        retired.retired_at
    from published
    left join active
        on published.profile_id = active.profile_id
    left join {{ ref('int_idr__node_profiles') }} as holder
        on published.key_node_id = holder.node_id
        and holder.profile_id is not null
    left join retired
        on published.profile_id = retired.profile_id

)

select * from final
