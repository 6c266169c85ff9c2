{%- set traits = identity_resolution.idr_traits() -%}
with trait_values as (

    select * from {{ ref('int_idr__trait_values') }}

),

events as (

    select * from {{ ref('idr_events') }}
    where profile_id is not null

),

ranked as (

    {#- last write wins: latest occurred_at, then source and event id as tie-breaks -#}
    select
        events.profile_id,
        trait_values.trait_name,
        trait_values.trait_value,
        trait_values.occurred_at,
        row_number() over (
            partition by events.profile_id, trait_values.trait_name
            order by
                trait_values.occurred_at desc,
                {{ identity_resolution.idr_binary_order('trait_values.source_name') }} desc,
                {{ identity_resolution.idr_binary_order('trait_values.event_id') }} desc,
                {{ identity_resolution.idr_binary_order('trait_values.trait_value') }} desc
        ) as recency
    from trait_values
    inner join events
        on trait_values.source_name = events.source_name
        and trait_values.event_id = events.event_id

),

latest as (

    select * from ranked
    where recency = 1

),

profiles as (

    select profile_id from {{ ref('idr_profiles') }}

),

final as (

    select
        profiles.profile_id,
        {%- for trait in traits %}
        max(case when latest.trait_name = '{{ trait }}' then latest.trait_value end) as {{ trait }},
        {%- endfor %}
        max(latest.occurred_at) as updated_at
    from profiles
    left join latest
        on profiles.profile_id = latest.profile_id
    group by profiles.profile_id

)

select * from final
