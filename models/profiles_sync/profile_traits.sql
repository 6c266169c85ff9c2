{%- set cfg = identity_resolution.idr_config() -%}
{#- Profiles Sync's profile_traits: one row per profile id; a profile's latest traits (its latest row
    of profile_traits_updates), or, for a profile merged away, no traits and `merged_to`. -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true) }}

with updates as (

    select * from {{ ref('profile_traits_updates') }}

),

latest as (

    select *
    from (
        select
            updates.*,
            row_number() over (partition by updates.segment_id order by updates.seq desc) as update_order
        from updates
    ) as ranked
    where update_order = 1

),

final as (

    select
        id_graph.segment_id as canonical_segment_id,
        {%- for trait in cfg['traits'] %}
        case when id_graph.canonical_segment_id = id_graph.segment_id then latest.{{ trait }} end as {{ trait }},
        {%- endfor %}
        case when id_graph.canonical_segment_id <> id_graph.segment_id then id_graph.canonical_segment_id end
            as merged_to
    from {{ ref('id_graph') }} as id_graph
    left join latest
        on id_graph.segment_id = latest.segment_id

)

select * from final
