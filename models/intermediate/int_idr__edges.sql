{%- set cfg = identity_resolution.idr_config() -%}
{#- the identifier graph: a star per event, its anchor (node_a) linked to each other identifier -#}
{{ config(materialized='idr_incremental', unique_key=['node_a', 'node_b']) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{#- after runs that stopped before this model, recount every pair (see idr_missed_runs) -#}
{%- set recount_all = incremental and identity_resolution.idr_missed_runs(ref('int_idr__occurrences'), watermark) -%}

{#- int_idr__occurrences is read directly where needed, never through a CTE two selects read:
    DuckDB would materialise every occurrence -#}
with

{%- if incremental %}
dirty as (

    {# pairs whose events changed since this model last ran, tombstones included, and the pairs
        an event made before its anchor changed #}
    select anchor_node_id as node_a, node_id as node_b
    from {{ ref('int_idr__occurrences') }}
    where node_id <> anchor_node_id
    {%- if not recount_all %}
        and _batch_at > {{ watermark }}
    {%- endif %}

    union

    select previous_anchor_node_id, node_id
    from {{ ref('int_idr__occurrences') }}
    where previous_anchor_node_id is not null
        and previous_anchor_node_id <> node_id
        {%- if not recount_all %}
        and _batch_at > {{ watermark }}
        {%- endif %}
    {%- if recount_all %}

    union

    select node_a, node_b from {{ this }}
    {%- endif %}

),
{%- endif %}

pairs as (

    select
        occurrences.anchor_node_id as node_a,
        occurrences.node_id as node_b,
        min(occurrences.occurred_at) as first_seen_at,
        max(occurrences.occurred_at) as last_seen_at,
        count(*) as event_count
    from {{ ref('int_idr__occurrences') }} as occurrences
    {%- if incremental %}
    inner join dirty
        on occurrences.anchor_node_id = dirty.node_a
        and occurrences.node_id = dirty.node_b
    {%- endif %}
    where occurrences.is_current
        and occurrences.node_id <> occurrences.anchor_node_id
    group by occurrences.anchor_node_id, occurrences.node_id

),

final as (

    select
        node_a,
        node_b,
        first_seen_at,
        last_seen_at,
        event_count,
        {%- if incremental %}
        false as _idr_deleted,
        {%- endif %}
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from pairs
    {%- if incremental %}

    union all

    {# pairs no event carries any more #}
    select
        dirty.node_a,
        dirty.node_b,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_seen_at,
        cast(null as {{ dbt.type_bigint() }}) as event_count,
        true as _idr_deleted,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from dirty
    left join pairs
        on dirty.node_a = pairs.node_a
        and dirty.node_b = pairs.node_b
    where pairs.node_a is null
    {%- endif %}

)

select * from final
