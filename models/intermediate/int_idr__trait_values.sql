{#- One row per (delivery, trait) with a non-blank value, from every staging model with traits. -#}
{%- set parts = [] -%}
{%- set segment_traits = identity_resolution.idr_segment_traits() -%}
{%- if var('idr_segment_identifies_enabled') and segment_traits | length > 0 -%}
    {%- do parts.append({'model': 'stg_idr__segment__identifies', 'source_name_sql': "'segment.identifies'",
                         'traits': segment_traits}) -%}
{%- endif -%}
{%- set extra_traits = [] -%}
{%- for source in identity_resolution.idr_sources() -%}
    {%- for trait in source['traits'] if trait not in extra_traits -%}
        {%- do extra_traits.append(trait) -%}
    {%- endfor -%}
{%- endfor -%}
{%- if extra_traits | length > 0 -%}
    {%- do parts.append({'model': 'stg_idr__extra_sources', 'source_name_sql': 'source_name', 'traits': extra_traits}) -%}
{%- endif -%}

with unioned as (
{%- for part in parts %}
    {%- set slots = [] %}
    {%- for trait in part['traits'] %}
        {%- do slots.append({'label': trait, 'expr': "case when trim(trait__" ~ trait ~ ") <> '' then trim(trait__" ~ trait ~ ") end"}) %}
    {%- endfor %}

    {%- set relation = ref(part['model']) if part['source_name_sql'] == 'source_name'
        else '(select ' ~ part['source_name_sql'] ~ ' as source_name, * from ' ~ ref(part['model']) ~ ')' %}
    {{ identity_resolution.idr_unpivot(
        relation,
        ['source_name', 'event_id', 'occurred_at'],
        slots,
        'trait_name',
        'trait_value') | indent(4) }}
    {%- if not loop.last %}

    union all
    {%- endif %}
{%- endfor %}
{%- if parts | length == 0 %}

    select
        cast(null as {{ dbt.type_string() }}) as source_name,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(null as {{ dbt.type_string() }}) as trait_name,
        cast(null as {{ dbt.type_string() }}) as trait_value
    where 1 = 0
{%- endif %}

),

final as (

    select
        source_name,
        event_id,
        occurred_at,
        trait_name,
        trait_value
    from unioned

)

select * from final
