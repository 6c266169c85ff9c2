{#- Profiles Sync's id_graph: where each profile id points now (the latest row of id_graph_updates
    per segment_id). Profile ids whose identifiers were all removed point nowhere and are left out. -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true) }}

with updates as (

    select * from {{ ref('id_graph_updates') }}

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
        segment_id,
        canonical_segment_id,
        timestamp,
        seq,
        uuid_ts
    from latest
    where canonical_segment_id is not null

)

select * from final
