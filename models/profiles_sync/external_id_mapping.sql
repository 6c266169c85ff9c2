{#- Profiles Sync's external_id_mapping: every identifier in a profile now, with that profile, found
    as Segment's models find it: the identifier's latest row of external_id_mapping_updates,
    resolved through id_graph. -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true) }}

with updates as (

    select * from {{ ref('external_id_mapping_updates') }}

),

latest as (

    select *
    from (
        select
            updates.*,
            row_number() over (partition by updates.node_id order by updates.seq desc) as update_order
        from updates
    ) as ranked
    where update_order = 1

),

final as (

    select
        id_graph.canonical_segment_id,
        latest.external_id_type,
        latest.external_id_value,
        latest.external_id_hash,
        latest.timestamp,
        latest.seq,
        latest.uuid_ts
    from latest
    inner join {{ ref('id_graph') }} as id_graph
        on latest.segment_id = id_graph.segment_id
    where latest.__operation = 'CREATED'

)

select * from final
