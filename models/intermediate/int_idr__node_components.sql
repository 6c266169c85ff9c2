{{ config(
    materialized='idr_resolution',
    unique_key='node_id',
    idr_nodes='int_idr__nodes',
    idr_edges='int_idr__edges',
    idr_changes='int_idr__occurrences',
) }}
{#- The profile (component) of every identifier. The idr_resolution materialization resolves the
    graph of int_idr__nodes and int_idr__edges (only the part this run's changes touch, on an
    incremental run) into the work tables this SQL reads; see macros/resolution. -#}
{#- the edges are read only by the materialization: the ref makes them a dependency -#}
{%- do ref('int_idr__edges') -%}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set work = identity_resolution.idr_resolution_work() -%}

with region as (

    {# the nodes this run resolves: every node on a rebuild #}
    select node_id from {{ work['region'] }}

),

resolved as (

    {# their connected component, profile and edge count; only nodes with an edge have a row #}
    select node_id, cc_id, component_id, edge_count from {{ work['result'] }}

),

run_rounds as (

    {# the rounds the resolution loops took in this run (0 when the region had no edge) #}
    select
        coalesce(max(component_rounds), 0) as component_rounds,
        coalesce(max(limit_rounds), 0) as limit_rounds
    from {{ work['result'] }}

),

final as (

    select
        region.node_id,
        {# a node without edges is a component and a profile of its own #}
        coalesce(resolved.cc_id, region.node_id) as cc_id,
        coalesce(resolved.component_id, region.node_id) as component_id,
        coalesce(resolved.edge_count, 0) as edge_count,
        run_rounds.component_rounds,
        run_rounds.limit_rounds,
        false as _idr_deleted,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from region
    cross join run_rounds
    left join resolved
        on region.node_id = resolved.node_id

    union all

    {# identifiers no event carries any more (none on a rebuild) #}
    select
        removed.node_id,
        removed.node_id as cc_id,
        removed.node_id as component_id,
        0 as edge_count,
        0 as component_rounds,
        0 as limit_rounds,
        true as _idr_deleted,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from (
        select distinct node_id
        from {{ ref('int_idr__occurrences') }}
        where {{ '_batch_at > ' ~ watermark if incremental else '1 = 0' }}
    ) as removed
    where removed.node_id not in (select node_id from {{ ref('int_idr__nodes') }})

)

select * from final
