{#-
    The body of a staging model: every input of idr_config() staged by `model`, one row per
    delivered row, in one shape (the same columns for every input, unioned when there are several):

      source_name, event_id, event_version, occurred_at, loaded_at, event_type, event_name,
      one column per identifier slot of the build (cfg['event_slots']: email__1, user_id__1, ...;
      null where the input has no such slot, or the value is missing, blocked or invalid),
      blocked_identifier_count, invalid_identifier_count, trait__<name> per trait, quarantine_reason.

    Every text value is stripped of Unicode whitespace and invisible characters at both ends
    (idr_clean_text); identifiers are normalised, then blocked or found invalid
    (idr_identifier_value); times become UTC (idr_utc_timestamp). A row without a usable event id
    or time keeps its place with a quarantine_reason, so no delivered row is lost. No joins.
-#}
{% macro idr_stage_inputs(cfg, model) %}
    {%- set inputs = cfg['inputs'] | selectattr('model', 'equalto', model) | list -%}
    {%- if inputs | length == 0 -%}
        {#- a disabled model is still rendered while parsing: read nothing -#}
        {{ return('select 1 as disabled') }}
    {%- endif -%}
    {%- set string_type = dbt.type_string() -%}

with
{%- for input in inputs %}
{%- set relation = identity_resolution.idr_input_relation(input) %}
{%- set columns = identity_resolution.idr_relation_columns(relation,
    identity_resolution._idr_missing_input_message(input)) %}
{%- set where = ("Segment table '" ~ input['table'] ~ "' (" ~ relation ~ ")") if input['kind'] == 'segment'
    else ("idr_sources (" ~ input['name'] ~ ")") %}
{%- set by_global = {} %}
{%- for slot in input['slots'] %}
    {%- do by_global.update({slot['global']: slot}) %}
{%- endfor %}

source__{{ loop.index }} as (

    select * from {{ relation }}

),

renamed__{{ loop.index }} as (

    select
        '{{ input["name"] }}' as source_name,
        {{ identity_resolution.idr_clean_text(identity_resolution.idr_column_or_null(
            columns, input['event_id'], string_type, required=true, where=where)) }} as event_id,
        {%- if input['version'] %}
        {{ identity_resolution._idr_version_text(columns, input['version'], where) }} as event_version,
        {%- else %}
        cast(null as {{ string_type }}) as event_version,
        {%- endif %}
        {{ identity_resolution._idr_time_column(columns, input['occurred_at'], where, true) }} as occurred_at,
        {{ identity_resolution.idr_column_or_null(columns, input['occurred_at'], string_type, required=true, where=where) }} is null
            as is_occurred_at_missing,
        {%- if input['loaded_at'] %}
        {{ identity_resolution._idr_time_column(columns, input['loaded_at'], where, input['kind'] == 'extra') }} as loaded_at,
        {%- else %}
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
        {%- endif %}
        '{{ input["event_type"] }}' as event_type,
        {%- if input['event_name_columns'] | length > 0 %}
        {%- set names = [] %}
        {%- for column in input['event_name_columns'] %}
            {%- do names.append(identity_resolution.idr_clean_text(identity_resolution.idr_column_or_null(
                columns, column, string_type, required=input['kind'] == 'extra', where=where))) %}
        {%- endfor %}
        {{ names[0] if names | length == 1 else 'coalesce(' ~ names | join(', ') ~ ')' }} as event_name,
        {%- else %}
        cast(null as {{ string_type }}) as event_name,
        {%- endif %}
        {%- for slot in cfg['event_slots'] %}
        {%- if slot['column'] in by_global %}
        {{ identity_resolution._idr_slot_text(columns, by_global[slot['column']], input, where) }} as raw__{{ slot['column'] }},
        {%- else %}
        cast(null as {{ string_type }}) as raw__{{ slot['column'] }},
        {%- endif %}
        {%- endfor %}
        {%- for trait in cfg['traits'] %}
        {%- if trait in input['traits'] %}
        {{ identity_resolution.idr_clean_text(identity_resolution.idr_column_or_null(
            columns, trait, string_type, required=input['kind'] == 'extra', where=where)) }} as trait__{{ trait }},
        {%- else %}
        cast(null as {{ string_type }}) as trait__{{ trait }},
        {%- endif %}
        {%- endfor %}
        1 as one

    from source__{{ loop.index }}

),
{%- endfor %}

unioned as (
    {%- for input in inputs %}

    select * from renamed__{{ loop.index }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

classified as (

    select
        *,
        {%- for slot in cfg['event_slots'] %}
        {{ identity_resolution.idr_identifier_status('raw__' ~ slot['column'], cfg['types_by_name'][slot['type']]) | indent(8) }}
            as status__{{ slot['column'] }},
        {{ identity_resolution.idr_identifier_value('raw__' ~ slot['column'], cfg['types_by_name'][slot['type']]) | indent(8) }}
            as {{ slot['column'] }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}

    from unioned

),

final as (

    select
        source_name,
        event_id,
        event_version,
        occurred_at,
        loaded_at,
        event_type,
        case when event_name <> '' then event_name end as event_name,
        {%- for slot in cfg['event_slots'] %}
        {{ slot['column'] }},
        {%- endfor %}
        0
        {%- for slot in cfg['event_slots'] %}
        + case when status__{{ slot['column'] }} = 'blocked' then 1 else 0 end
        {%- endfor %} as blocked_identifier_count,
        0
        {%- for slot in cfg['event_slots'] %}
        + case when status__{{ slot['column'] }} = 'invalid' then 1 else 0 end
        {%- endfor %} as invalid_identifier_count,
        {%- for trait in cfg['traits'] %}
        case when trait__{{ trait }} <> '' then trait__{{ trait }} end as trait__{{ trait }},
        {%- endfor %}
        case
            when event_id is null then 'missing_event_id'
            when event_id = '' then 'blank_event_id'
            when is_occurred_at_missing then 'missing_occurred_at'
            when occurred_at is null then 'invalid_occurred_at'
        end as quarantine_reason

    from classified

)

select * from final
{% endmacro %}


{% macro _idr_missing_input_message(input) %}
    {%- if input['kind'] == 'segment' -%}
        {{ return("Segment table '" ~ input['table'] ~ "' was not found: check idr_segment_schema / idr_segment_"
            ~ input['table'] ~ "_table, or set idr_segment_" ~ input['table'] ~ "_enabled: false") }}
    {%- else -%}
        {{ return("idr_sources: the relation of source '" ~ input['name'] ~ "' was not found") }}
    {%- endif -%}
{% endmacro %}


{#- A time column as UTC (see idr_utc_timestamp); `required` fails the build when it is missing. -#}
{% macro _idr_time_column(columns, name, where, required) %}
    {%- if columns is not none and name | lower not in columns -%}
        {%- if required -%}
            {{ exceptions.raise_compiler_error("identity_resolution: " ~ where ~ " has no column '" ~ name ~ "', which is required") }}
        {%- endif -%}
        {{ return('cast(null as ' ~ dbt.type_timestamp() ~ ')') }}
    {%- endif -%}
    {%- set column = columns[name | lower] if columns is not none else {'sql': adapter.quote(name), 'data_type': none} -%}
    {{ return(identity_resolution.idr_utc_timestamp(column['sql'], column['data_type'])) }}
{% endmacro %}


{#- A version column as text; a time column through UTC, so that its text never depends on a time zone. -#}
{% macro _idr_version_text(columns, name, where) %}
    {%- if columns is not none and name | lower not in columns -%}
        {{ exceptions.raise_compiler_error("identity_resolution: " ~ where ~ " has no column '" ~ name ~ "', which is required") }}
    {%- endif -%}
    {%- set column = columns[name | lower] if columns is not none else {'sql': adapter.quote(name), 'data_type': none} -%}
    {%- if identity_resolution._idr_time_kind(column['data_type']) in ('tz', 'naive', 'date') -%}
        {{ return('cast(' ~ identity_resolution.idr_utc_timestamp(column['sql'], column['data_type']) ~ ' as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {{ return(identity_resolution.idr_clean_text(column['sql'])) }}
{% endmacro %}


{#- The cleaned text of one identifier slot; device slots only when the device type matches. -#}
{% macro _idr_slot_text(columns, slot, input, where) %}
    {%- set string_type = dbt.type_string() -%}
    {%- set value = identity_resolution.idr_clean_text(identity_resolution.idr_column_or_null(
        columns, slot['column'], string_type, required=input['kind'] == 'extra', where=where)) -%}
    {%- if slot['kind'] not in ('device', 'advertising') -%}
        {{ return(value) }}
    {%- endif -%}
    {%- set device_type = 'lower(' ~ identity_resolution.idr_clean_text(
        identity_resolution.idr_column_or_null(columns, 'context_device_type', string_type)) ~ ')' -%}
    {%- set condition = device_type ~ " = '" ~ slot['platform'] ~ "'" -%}
    {%- if slot['kind'] == 'advertising' -%}
        {%- set condition = condition ~ " and lower(" ~ identity_resolution.idr_clean_text(identity_resolution.idr_column_or_null(
            columns, 'context_device_ad_tracking_enabled', string_type)) ~ ") in ('true', 't', '1')" -%}
    {%- endif -%}
    {{ return('case when ' ~ condition ~ ' then ' ~ value ~ ' end') }}
{% endmacro %}
