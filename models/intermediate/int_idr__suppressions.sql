{%- set cfg = identity_resolution.idr_config() -%}
{#- a state model: it records which identifiers are suppressed now, and when that changed -#}
{{ config(materialized='idr_incremental', unique_key='node_id') }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set string_type = dbt.type_string() -%}

with
{%- if cfg['suppressions'] is not none %}
{%- set relation = api.Relation.create(
    database=cfg['suppressions']['database'] or target.database or none,
    schema=cfg['suppressions']['schema'] or target.schema,
    identifier=cfg['suppressions']['identifier']) %}
{%- set columns = identity_resolution.idr_relation_columns(relation, "idr_suppressions: the relation was not found") %}
{%- set where = "idr_suppressions (" ~ relation ~ ")" %}

listed as (

    select
        lower({{ identity_resolution.idr_clean_text(identity_resolution.idr_column_or_null(
            columns, 'identifier_type', string_type, required=true, where=where)) }}) as identifier_type,
        {{ identity_resolution.idr_clean_text(identity_resolution.idr_column_or_null(
            columns, 'identifier_value', string_type, required=true, where=where)) }} as raw_value,
        {{ identity_resolution.idr_clean_text(identity_resolution.idr_column_or_null(
            columns, 'reason', string_type)) }} as reason
    from {{ relation }}

),

normalized as (

    {# normalised like the identifiers they suppress; a type not in use suppresses nothing #}
    select
        identifier_type,
        case identifier_type
            {%- for t in cfg['types'] %}
            when '{{ t["name"] }}' then {{ identity_resolution.idr_identifier_value('raw_value', t) | indent(12) }}
            {%- endfor %}
        end as identifier_value,
        reason
    from listed

),

current_list as (

    select
        {{ identity_resolution.idr_node_id(cfg, 'identifier_type', 'identifier_value') }} as node_id,
        min(identifier_type) as identifier_type,
        min(reason) as reason
    from normalized
    where identifier_value is not null
    group by {{ identity_resolution.idr_node_id(cfg, 'identifier_type', 'identifier_value') }}

),
{%- else %}

current_list as (

    select
        cast(null as {{ dbt.type_bigint() }}) as node_id,
        cast(null as {{ string_type }}) as identifier_type,
        cast(null as {{ string_type }}) as reason
    where 1 = 0

),
{%- endif %}

changes as (

    {# newly suppressed (or with a new reason) #}
    select
        current_list.node_id,
        current_list.identifier_type,
        current_list.reason,
        true as is_active
    from current_list
    {%- if incremental %}
    left join {{ this }} as previous
        on current_list.node_id = previous.node_id
    where previous.node_id is null
        or not previous.is_active
        or coalesce(previous.reason, '') <> coalesce(current_list.reason, '')
    {%- endif %}
    {%- if incremental %}

    union all

    {# lifted: no longer in the list #}
    select
        previous.node_id,
        previous.identifier_type,
        previous.reason,
        false as is_active
    from {{ this }} as previous
    where previous.is_active
        and previous.node_id not in (select node_id from current_list)
    {%- endif %}

),

final as (

    select
        node_id,
        identifier_type,
        reason,
        is_active,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from changes

)

select * from final
