{#-
    The body of stg_idr__extra_sources: every table declared in `idr_sources`, one row per delivered
    row, in one shape: source_name, event_id, occurred_at, event_type ('record'), event_name, one
    column id__<type> per identifier type any extra source declares (null where a source lacks it),
    blocked_identifier_count, and trait__<name> per trait any extra source declares.
-#}
{% macro idr_stage_extra_sources() %}
    {%- set sources = identity_resolution.idr_sources() -%}
    {%- set string_type = dbt.type_string() -%}
    {%- set types_by_name = {} -%}
    {%- for t in identity_resolution.idr_identifier_types() -%}
        {%- do types_by_name.update({t['name']: t}) -%}
    {%- endfor -%}
    {%- set slots = identity_resolution.idr_extra_source_slots() -%}
    {%- set traits = identity_resolution.idr_extra_source_traits() -%}

with
{%- for source in sources %}
{%- if source['seed'] is not none %}
    {%- set relation = ref(source['seed']) %}
{%- else %}
    {%- set parts = source['relation'].split('.') %}
    {%- set relation = api.Relation.create(
        database=parts[-3] if parts | length == 3 else (target.database or none),
        schema=parts[-2] if parts | length >= 2 else target.schema,
        identifier=parts[-1]) %}
{%- endif %}
{%- set columns = identity_resolution.idr_relation_columns(relation,
    "idr_sources: the relation of source '" ~ source['name'] ~ "' was not found") %}
{%- set where = "idr_sources (" ~ source['name'] ~ ")" %}
{%- set source_types = source['slots'] | map(attribute='type') | list %}

source__{{ source['name'] }} as (

    select * from {{ relation }}

),

renamed__{{ source['name'] }} as (

    select
        '{{ source["name"] }}' as source_name,
        {{ identity_resolution.idr_column_or_null(columns, source['event_id'], string_type, required=true, where=where) }} as event_id,
        'record' as event_type,
        {%- if source['event_name'] %}
        {{ identity_resolution.idr_column_or_null(columns, source['event_name'], string_type, required=true, where=where) }} as event_name,
        {%- else %}
        cast(null as {{ string_type }}) as event_name,
        {%- endif %}
        {%- for slot in slots %}
        {%- if slot['type'] in source_types %}
        {%- set column = (source['slots'] | selectattr('type', 'equalto', slot['type']) | list)[0]['column'] %}
        trim({{ identity_resolution.idr_column_or_null(columns, column, string_type, required=true, where=where) }}) as raw__{{ slot['slot'] }},
        {%- else %}
        cast(null as {{ string_type }}) as raw__{{ slot['slot'] }},
        {%- endif %}
        {%- endfor %}
        {%- for trait in traits %}
        {%- if trait in source['traits'] %}
        {{ identity_resolution.idr_column_or_null(columns, trait, string_type, required=true, where=where) }} as trait__{{ trait }},
        {%- else %}
        cast(null as {{ string_type }}) as trait__{{ trait }},
        {%- endif %}
        {%- endfor %}
        {{ identity_resolution.idr_column_or_null(columns, source['occurred_at'], dbt.type_timestamp(), required=true, where=where) }} as occurred_at

    from source__{{ source['name'] }}

),
{%- endfor %}

unioned as (
    {%- for source in sources %}

    select * from renamed__{{ source['name'] }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

normalized as (

    select
        source_name,
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

    from unioned

),

final as (

    select
        source_name,
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


{#- The identifier slots of stg_idr__extra_sources: one column id__<type> per declared type. -#}
{% macro idr_extra_source_slots() %}
    {%- set slots = [] -%}
    {%- set seen = [] -%}
    {%- for t in identity_resolution.idr_identifier_types() -%}
        {%- for source in identity_resolution.idr_sources() -%}
            {%- if t['name'] in source['slots'] | map(attribute='type') | list and t['name'] not in seen -%}
                {%- do seen.append(t['name']) -%}
                {%- do slots.append({'slot': 'id__' ~ t['column_name'], 'type': t['name']}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(slots) }}
{% endmacro %}


{#- The trait columns of stg_idr__extra_sources: every trait any extra source declares, each once. -#}
{% macro idr_extra_source_traits() %}
    {%- set traits = [] -%}
    {%- for source in identity_resolution.idr_sources() -%}
        {%- for trait in source['traits'] if trait not in traits -%}
            {%- do traits.append(trait) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(traits) }}
{% endmacro %}
