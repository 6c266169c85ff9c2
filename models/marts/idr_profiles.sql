{%- set types = identity_resolution.idr_identifier_types() -%}
with identifiers as (

    select * from {{ ref('int_idr__identifiers') }}

),

{#- the primary value of a type: most events, then most recently seen, then smallest value -#}
primary_ranked as (

    select
        component_id,
        identifier_type,
        identifier_value,
        row_number() over (
            partition by component_id, identifier_type
            order by event_count desc, last_seen_at desc, {{ identity_resolution.idr_binary_order('identifier_value') }}
        ) as primary_order
    from identifiers
    where identifier_type in ('user_id', 'email')

),

primaries as (

    select
        component_id,
        max(case when identifier_type = 'user_id' then identifier_value end) as primary_user_id,
        max(case when identifier_type = 'email' then identifier_value end) as primary_email
    from primary_ranked
    where primary_order = 1
    group by component_id

),

profiles as (

    {#- grouped by the integer component; profile_id is one value per component -#}
    select
        component_id,
        min(profile_id) as profile_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        count(*) as identifier_count,
        {%- for t in types %}
        sum(case when identifier_type = '{{ t["name"] }}' then 1 else 0 end) as {{ t['column_name'] }}_count,
        {%- endfor %}
        sum(anchored_event_count) as event_count,
        max(last_anchored_event_at) as last_event_at,
        max(case when is_profile_key then identifier_type end) as profile_key_type,
        max(case when is_profile_key then identifier_value end) as profile_key_value
    from identifiers
    group by component_id

),

final as (

    select
        profiles.profile_id,
        profiles.profile_key_type,
        profiles.profile_key_value,
        primaries.primary_user_id,
        primaries.primary_email,
        profiles.first_seen_at,
        profiles.last_seen_at,
        profiles.identifier_count,
        {%- for t in types %}
        profiles.{{ t['column_name'] }}_count,
        {%- endfor %}
        profiles.event_count,
        profiles.last_event_at
    from profiles
    left join primaries
        on profiles.component_id = primaries.component_id

)

select * from final
