{%- set traits = identity_resolution.idr_traits() -%}
{%- set trait_columns = [] -%}
{%- for trait in traits -%}
    {%- do trait_columns.append('trait__' ~ trait) -%}
{%- endfor -%}
with identifiers as (

    select * from {{ ref('int_idr__identifiers') }}

),

profiles as (

    {#- one row per profile: its key identifier -#}
    select
        component_id,
        profile_id
    from identifiers
    where is_profile_key

),

{%- if traits | length > 0 %}

events as (

    select * from {{ ref('int_idr__events') }}
    where anchor_value is not null
        and coalesce({{ trait_columns | join(', ') }}) is not null

),

stamped as (

    select
        identifiers.component_id,
        events.*
    from events
    inner join identifiers
        on events.anchor_type = identifiers.identifier_type
        and events.anchor_value = identifiers.identifier_value

),

latest as (

    {#- last write wins: latest occurred_at, then source, event id and value as tie-breaks -#}
    {{ identity_resolution.idr_latest_values(
        'stamped', 'component_id', trait_columns, traits, 'occurred_at', ['source_name', 'event_id']) | indent(4) }}

),
{%- endif %}

final as (

    select
        profiles.profile_id,
        {%- for trait in traits %}
        latest.{{ trait }},
        {%- endfor %}
        {%- if traits | length > 0 %}
        latest.updated_at
        {%- else %}
        cast(null as {{ dbt.type_timestamp() }}) as updated_at
        {%- endif %}
    from profiles
    {%- if traits | length > 0 %}
    left join latest
        on profiles.component_id = latest.component_id
    {%- endif %}

)

select * from final
