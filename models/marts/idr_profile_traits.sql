{%- set traits = identity_resolution.idr_traits() -%}
{%- set slots = [] -%}
{%- set trait_columns = [] -%}
{%- for trait in traits -%}
    {%- do trait_columns.append('trait__' ~ trait) -%}
    {%- do slots.append({'label': trait, 'expr': "case when trim(trait__" ~ trait ~ ") <> '' then trim(trait__" ~ trait ~ ") end"}) -%}
{%- endfor -%}
with events as (

    select * from {{ ref('int_idr__events') }}
    where anchor_value is not null
    {%- if traits | length > 0 %}
        and coalesce({{ trait_columns | join(', ') }}) is not null
    {%- endif %}

),

identifiers as (

    select * from {{ ref('int_idr__identifiers') }}

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

{%- if traits | length > 0 %}

trait_values as (

    {{ identity_resolution.idr_unpivot(
        'stamped',
        ['component_id', 'source_name', 'event_id', 'occurred_at'],
        slots,
        'trait_name',
        'trait_value') | indent(4) }}

),

ranked as (

    {#- last write wins: latest occurred_at, then source, event id and value as tie-breaks -#}
    select
        component_id,
        trait_name,
        trait_value,
        occurred_at,
        row_number() over (
            partition by component_id, trait_name
            order by
                occurred_at desc,
                {{ identity_resolution.idr_binary_order('source_name') }} desc,
                {{ identity_resolution.idr_binary_order('event_id') }} desc,
                {{ identity_resolution.idr_binary_order('trait_value') }} desc
        ) as recency
    from trait_values

),

latest as (

    select * from ranked
    where recency = 1

),
{%- endif %}

profiles as (

    {#- one row per profile: its key identifier -#}
    select
        component_id,
        profile_id
    from identifiers
    where is_profile_key

),

final as (

    select
        profiles.profile_id,
        {%- for trait in traits %}
        max(case when latest.trait_name = '{{ trait }}' then latest.trait_value end) as {{ trait }},
        {%- endfor %}
        {%- if traits | length > 0 %}
        max(latest.occurred_at) as updated_at
        {%- else %}
        cast(null as {{ dbt.type_timestamp() }}) as updated_at
        {%- endif %}
    from profiles
    {%- if traits | length > 0 %}
    left join latest
        on profiles.component_id = latest.component_id
    {%- endif %}
    group by profiles.profile_id

)

select * from final
