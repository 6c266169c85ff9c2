{#- Profiles Sync's profile_merges: every profile id a profile holds (its own, and those merged into
    it). The same mapping as id_graph, in the columns Segment gives this table. -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true) }}

with id_graph as (

    select * from {{ ref('id_graph') }}

),

final as (

    select
        canonical_segment_id,
        segment_id,
        seq,
        timestamp,
        uuid_ts
    from id_graph

)

select * from final
