{#- One row per (delivery, trait) with a non-blank value, from every staging model with traits. -#}
{%- set parts = [] -%}
{%- set segment_traits = identity_resolution.idr_segment_traits() -%}
{%- if var('idr_segment_identifies_enabled') and segment_traits | length > 0 -%}
    {%- set slots = [] -%}
    {%- for trait in segment_traits -%}
        {%- do slots.append({'slot': 'trait__' ~ trait, 'type': trait}) -%}
    {%- endfor -%}
    {%- do parts.append(identity_resolution.idr_unpivot_identifiers(
        ref('stg_idr__segment__identifies'), "'segment.identifies'", slots)) -%}
{%- endif -%}
{%- set extra_traits = [] -%}
{%- for source in identity_resolution.idr_sources() -%}
    {%- for trait in source['traits'] if trait not in extra_traits -%}
        {%- do extra_traits.append(trait) -%}
    {%- endfor -%}
{%- endfor -%}
{%- if extra_traits | length > 0 -%}
    {%- set slots = [] -%}
    {%- for trait in extra_traits -%}
        {%- do slots.append({'slot': 'trait__' ~ trait, 'type': trait}) -%}
    {%- endfor -%}
    {%- do parts.append(identity_resolution.idr_unpivot_identifiers(
        ref('stg_idr__extra_sources'), 'staged.source_name', slots)) -%}
{%- endif -%}

with unioned as (
{% for part in parts %}
    {{ part | indent(4) }}
    {%- if not loop.last %}

    union all
    {% endif %}
{% endfor %}
{%- if parts | length == 0 %}
    select
        cast(null as {{ dbt.type_string() }}) as source_name,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_value
    where 1 = 0
{%- endif %}
),

final as (

    select
        source_name,
        event_id,
        occurred_at,
        identifier_type as trait_name,
        trim(identifier_value) as trait_value
    from unioned
    where identifier_type is not null
        and trim(identifier_value) <> ''

)

select * from final
