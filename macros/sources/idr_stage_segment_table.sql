{#-
    The body of a Segment staging model: one row per delivered row of the raw table, renamed, cast,
    with every identifier slot normalised (null when missing or blocked) and, for identifies, the
    configured traits. No joins; missing optional columns become nulls.

    Output columns: event_id, occurred_at, event_type, event_name, one column per identifier slot
    (idr_segment_identifier_slots), blocked_identifier_count, and trait__<name> per trait.
-#}
{% macro idr_stage_segment_table(table) %}
    {%- set table_cfg = (identity_resolution.idr_segment_tables() | selectattr('table', 'equalto', table) | list)[0] -%}
    {%- if not table_cfg['enabled'] -%}
        {#- disabled models are still rendered while parsing: read nothing -#}
        {{ return('select 1 as disabled') }}
    {%- endif -%}
    {%- if var('idr_segment_schema') is none -%}
        {%- if table not in ['identifies', 'tracks', 'pages'] -%}
            {{ exceptions.raise_compiler_error(
                "Segment table '" ~ table ~ "' is enabled but the demo data has no such table: set idr_segment_schema"
                ~ " to the schema holding your Segment tables, or idr_segment_" ~ table ~ "_enabled: false") }}
        {%- endif -%}
        {%- set relation = ref('demo_segment_' ~ table) -%}
    {%- else -%}
        {%- set relation = source('segment', table) -%}
    {%- endif -%}
    {%- set columns = identity_resolution.idr_relation_columns(relation,
        "Segment table '" ~ table ~ "' was not found: check idr_segment_schema / idr_segment_" ~ table
        ~ "_table, or set idr_segment_" ~ table ~ "_enabled: false") -%}
    {%- set where = "Segment table '" ~ table ~ "'" -%}
    {%- set string_type = dbt.type_string() -%}
    {%- set types_by_name = {} -%}
    {%- for t in identity_resolution.idr_identifier_types() -%}
        {%- do types_by_name.update({t['name']: t}) -%}
    {%- endfor -%}
    {%- set slots = identity_resolution.idr_segment_identifier_slots(table) -%}
    {%- set traits = identity_resolution.idr_segment_traits() if table == 'identifies' else [] -%}
    {%- set event_name_column = {'tracks': 'event', 'screens': 'name', 'pages': 'name'}.get(table) -%}

with source as (

    select * from {{ relation }}

),

renamed as (

    select
        {{ identity_resolution.idr_column_or_null(columns, 'id', string_type, required=true, where=where) }} as event_id,
        '{{ table_cfg["event_type"] }}' as event_type,
        {%- if table == 'pages' %}
        coalesce(
            {{ identity_resolution.idr_column_or_null(columns, 'name', string_type) }},
            {{ identity_resolution.idr_column_or_null(columns, 'path', string_type) }}
        ) as event_name,
        {%- elif event_name_column %}
        {{ identity_resolution.idr_column_or_null(columns, event_name_column, string_type) }} as event_name,
        {%- else %}
        cast(null as {{ string_type }}) as event_name,
        {%- endif %}
        {%- for slot in slots %}
        {%- set value = identity_resolution.idr_column_or_null(columns, slot['column'], string_type) %}
        {%- if slot['kind'] in ('device', 'advertising') %}
        trim(case
            when lower(trim({{ identity_resolution.idr_column_or_null(columns, 'context_device_type', string_type) }})) = '{{ slot["platform"] }}'
            {%- if slot['kind'] == 'advertising' %}
                and lower(trim({{ identity_resolution.idr_column_or_null(columns, 'context_device_ad_tracking_enabled', string_type) }})) in ('true', 't', '1')
            {%- endif %}
                then {{ value }}
        end) as raw__{{ slot['slot'] }},
        {%- else %}
        trim({{ value }}) as raw__{{ slot['slot'] }},
        {%- endif %}
        {%- endfor %}
        {%- for trait in traits %}
        {{ identity_resolution.idr_column_or_null(columns, trait, string_type) }} as trait__{{ trait }},
        {%- endfor %}
        {{ identity_resolution.idr_column_or_null(columns, 'timestamp', dbt.type_timestamp(), required=true, where=where) }} as occurred_at

    from source

),

normalized as (

    select
        event_id,
        event_type,
        event_name,
        {%- for slot in slots %}
        {{ identity_resolution.idr_normalize_identifier('raw__' ~ slot['slot'], types_by_name[slot['type']]) | indent(8) }} as {{ slot['slot'] }},
        raw__{{ slot['slot'] }},
        {%- endfor %}
        {%- for trait in traits %}
        trait__{{ trait }},
        {%- endfor %}
        occurred_at

    from renamed

),

final as (

    select
        event_id,
        occurred_at,
        event_type,
        event_name,
        {%- for slot in slots %}
        {{ slot['slot'] }},
        {%- endfor %}
        {%- for trait in traits %}
        trait__{{ trait }},
        {%- endfor %}
        0
        {%- for slot in slots %}
        + case when raw__{{ slot['slot'] }} is not null and {{ slot['slot'] }} is null then 1 else 0 end
        {%- endfor %} as blocked_identifier_count

    from normalized

)

select * from final
{% endmacro %}
