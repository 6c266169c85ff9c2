{%- set cfg = identity_resolution.idr_config() -%}
{#- append-only: a delivery, once processed, stays; new rows are found by their key, not by time -#}
{{ config(materialized='idr_incremental') }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set cutoffs = identity_resolution.idr_load_cutoffs(cfg) -%}
{%- set stamp = identity_resolution.idr_state_stamp(cfg) -%}
{#- the raw tables are read here too: to check that every configured Segment column exists somewhere -#}
{%- for input in cfg['inputs'] if input['kind'] == 'segment' -%}
    {%- do identity_resolution.idr_input_relation(input) -%}
{%- endfor -%}
{%- do identity_resolution.idr_check_segment_columns(cfg) -%}
{%- set salt = cfg['settings']['hash_salt'] -%}
{%- set payload = ['event_type', 'event_name'] + cfg['event_slots'] | map(attribute='column') | list -%}
{%- for trait in cfg['traits'] -%}
    {%- do payload.append('trait__' ~ trait) -%}
{%- endfor -%}
{%- set columns = ['event_key', 'content_hash', 'source_name', 'event_id', 'event_version', 'occurred_at', 'loaded_at']
    + payload + ['blocked_identifier_count', 'invalid_identifier_count', 'blocked_slot_mask', 'invalid_slot_mask',
    'quarantine_reason'] -%}

{#- the stored deliveries a new row can equal: the same window (content_hash covers loaded_at, so an
    identical stored row has the same load time), every row of a source read whole -#}
{%- set processed_windows = [] -%}
{%- for name, cutoff in cutoffs.items() -%}
    {%- do processed_windows.append("(processed.source_name = '" ~ name ~ "' and (processed.loaded_at is null"
        ~ " or processed.loaded_at >= " ~ cutoff ~ "))") -%}
{%- endfor -%}
{%- set read_whole = cfg['inputs'] | rejectattr('name', 'in', cutoffs.keys() | list) | map(attribute='name') | list -%}
{%- if read_whole | length > 0 -%}
    {%- do processed_windows.append("processed.source_name in ('" ~ read_whole | join("', '") ~ "')") -%}
{%- endif -%}

{#- read several times on DuckDB (the collapse of identical rows): inlined, never stored -#}
with staged as {{ identity_resolution.idr_inlined_cte() }}(
    {%- for model in cfg['staging_models'] %}
    {%- set windows = [] %}
    {%- for input in cfg['inputs'] if input['model'] == model and input['name'] in cutoffs %}
        {%- do windows.append("(source_name = '" ~ input['name'] ~ "' and (loaded_at is null or loaded_at >= "
            ~ cutoffs[input['name']] ~ "))") %}
    {%- endfor %}
    {%- set others = cfg['inputs'] | selectattr('model', 'equalto', model)
        | rejectattr('name', 'in', cutoffs.keys() | list) | map(attribute='name') | list %}

    select * from {{ ref(model) }}
    {%- if windows | length > 0 %}
    {# sources with a load-time column: only the rows loaded since the last run, less the look-back #}
    where {{ windows | join(' or ') }}
        {%- if others | length > 0 %} or source_name in ('{{ others | join("', '") }}'){% endif %}
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

collapsed as (

    {#- identical rows (a row loaded twice) are one delivery; they share their key, load time and
        time #}
    {{ identity_resolution.idr_collapse_identical('staged', [
        ['event_key', identity_resolution.idr_hash64(['source_name', 'event_id', 'event_version'], salt)],
        ['content_hash', identity_resolution.idr_hash64(['occurred_at', 'loaded_at'] + payload
            + ['blocked_slot_mask', 'invalid_slot_mask', 'quarantine_reason'], salt)]],
        ['source_name', 'event_id', 'event_version', 'loaded_at', 'occurred_at'], columns,
        probe_column='occurred_at') | indent(4) }}

),

new_deliveries as (

    select collapsed.*
    from collapsed
    {%- if incremental %}
    where not exists (
        select 1
        from {{ this }} as processed
        where processed.event_key = collapsed.event_key
            and processed.content_hash = collapsed.content_hash
            {%- if cutoffs %}
            and ({{ processed_windows | join(' or ') }})
            {%- endif %}
    )
    {%- endif %}

),

final as (

    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        {{ stamp }} as _idr_state_stamp,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from new_deliveries

)

select * from final
