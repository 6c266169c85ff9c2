{%- set cfg = identity_resolution.idr_config() -%}
{#- Profiles Sync's user_traits: one row per trait a profile holds now (long format of profile_traits),
    with the time and sequence of the profile's latest trait update. -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true) }}
{%- set slots = [] -%}
{%- for trait in cfg['traits'] -%}
    {%- do slots.append({'label': trait, 'expr': trait}) -%}
{%- endfor -%}

with updates as (

    select * from {{ ref('profile_traits_updates') }}

),

latest as (

    {# the latest traits of every profile that is its own canonical profile #}
    select *
    from (
        select
            updates.*,
            row_number() over (partition by updates.segment_id order by updates.seq desc) as update_order
        from updates
        inner join {{ ref('id_graph') }} as id_graph
            on updates.segment_id = id_graph.segment_id
            and id_graph.canonical_segment_id = id_graph.segment_id
    ) as ranked
    where update_order = 1

),

{%- if slots | length > 0 %}

long_traits as (

    {{ identity_resolution.idr_unpivot('latest', ['segment_id', 'seq', 'timestamp', 'uuid_ts'], slots, 'name', 'value')
        | indent(4) }}

),
{%- endif %}

final as (

    {%- if slots | length > 0 %}
    select
        segment_id as canonical_segment_id,
        name,
        value,
        seq,
        timestamp,
        uuid_ts
    from long_traits
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as canonical_segment_id,
        cast(null as {{ dbt.type_string() }}) as name,
        cast(null as {{ dbt.type_string() }}) as value,
        cast(null as {{ dbt.type_string() }}) as seq,
        cast(null as {{ dbt.type_timestamp() }}) as timestamp,
        cast(null as {{ dbt.type_timestamp() }}) as uuid_ts
    where 1 = 0
    {%- endif %}

)

select * from final
