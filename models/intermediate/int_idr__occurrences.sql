{#- One scan of every staging model, unpivoted: a header row per delivery, a row per identifier. -#}
{%- set parts = [] -%}
{%- for table in identity_resolution.idr_segment_tables() if table['enabled'] -%}
    {%- do parts.append(identity_resolution.idr_unpivot_identifiers(
        ref('stg_idr__segment__' ~ table['table']),
        "'segment." ~ table['table'] ~ "'",
        identity_resolution.idr_segment_identifier_slots(table['table']))) -%}
{%- endfor -%}
{%- if identity_resolution.idr_sources() | length > 0 -%}
    {%- do parts.append(identity_resolution.idr_unpivot_identifiers(
        ref('stg_idr__extra_sources'),
        'staged.source_name',
        identity_resolution.idr_extra_source_slots())) -%}
{%- endif -%}
{%- if parts | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "identity_resolution has no input: every Segment table is disabled and idr_sources is empty") }}
{%- endif -%}

with unioned as (
{% for part in parts %}
    {{ part | indent(4) }}
    {%- if not loop.last %}

    union all
    {% endif %}
{% endfor %}
),

final as (

    select
        source_name,
        event_id,
        occurred_at,
        event_type,
        event_name,
        blocked_identifier_count,
        identifier_type,
        identifier_value
    from unioned

)

select * from final
