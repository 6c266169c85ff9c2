{#-
    The body of a staging model: every input of idr_config() staged by `model`, one row per
    delivered row, in one shape (the same columns for every input, unioned when there are several):

      source_name, event_id, event_version, occurred_at, loaded_at, event_type, event_name,
      one column per identifier slot of the build (cfg['event_slots']: email__1, user_id__1, ...;
      null where the input has no such slot, or the value is missing, blocked or invalid),
      blocked_identifier_count, invalid_identifier_count, blocked_slot_mask, invalid_slot_mask (which slots
      were blocked / invalid, bit i for cfg['event_slots'][i]), trait__<name> per trait, quarantine_reason.

    Every text value is stripped of Unicode whitespace and invisible characters at both ends
    (idr_clean_text); identifiers are normalised, then blocked or found invalid
    (idr_identifier_status, idr_identifier_value); times become UTC (idr_utc_timestamp). A row
    without a usable event id or time keeps its place with a quarantine_reason, so no delivered row
    is lost. No joins.

    Each input is renamed to raw text, the inputs are unioned, and each column is cleaned once,
    after the union: the view's SQL stays small however many inputs it reads (some metastores cap
    a view's text at 32k characters).
-#}
{% macro idr_stage_inputs(cfg, model) %}
    {%- set inputs = cfg['inputs'] | selectattr('model', 'equalto', model) | list -%}
    {%- if inputs | length == 0 -%}
        {#- a disabled model is still rendered while parsing: read nothing -#}
        {{ return('select 1 as disabled') }}
    {%- endif -%}
    {%- set string_type = dbt.type_string() -%}
    {%- do identity_resolution._idr_check_patterns_run(cfg) -%}
    {#- the text columns some input fills (the others are null everywhere: nothing to clean) -#}
    {%- set filled = ['event_id', 'event_name'] -%}

with
{%- for input in inputs %}
{%- set relation = identity_resolution.idr_input_relation(input) %}
{%- set columns = identity_resolution.idr_relation_columns(relation,
    identity_resolution._idr_missing_input_message(input)) %}
{%- set where = ("Segment table '" ~ input['table'] ~ "' (" ~ relation ~ ")") if input['kind'] == 'segment'
    else ("idr_sources (" ~ input['name'] ~ ")") %}
{%- set required = input['kind'] == 'extra' %}
{%- set by_global = {} %}
{%- for slot in input['slots'] %}
    {%- do by_global.update({slot['global']: slot}) %}
{%- endfor %}
{%- set helpers = identity_resolution._idr_source_helpers(columns, input) %}

source__{{ loop.index }} as (

    {#- text read more than once (a time held as text, the device type) is cleaned once, here #}
    select
        raw_rows.*
        {%- for name, sql in helpers.items() %},
        {{ sql }} as {{ name }}
        {%- endfor %}
    from {{ relation }} as raw_rows

),

renamed__{{ loop.index }} as (

    select
        '{{ input["name"] }}' as source_name,
        {{ identity_resolution.idr_column_or_null(
            columns, input['event_id'], string_type, required=true, where=where) }} as event_id,
        {%- if input['version'] %}
        {{ identity_resolution._idr_version_text(columns, input['version'], where) }} as event_version,
        {%- else %}
        cast(null as {{ string_type }}) as event_version,
        {%- endif %}
        {{ identity_resolution._idr_time_column(columns, input['occurred_at'], where, true,
            '_idr_occurred_at_text' if '_idr_occurred_at_text' in helpers else none) }} as occurred_at,
        {{ identity_resolution.idr_column_or_null(
            columns, input['occurred_at'], string_type, required=true, where=where) }} is null as is_occurred_at_missing,
        {%- if input['loaded_at'] %}
        {{ identity_resolution._idr_time_column(columns, input['loaded_at'], where, required,
            '_idr_loaded_at_text' if '_idr_loaded_at_text' in helpers else none) }} as loaded_at,
        {%- else %}
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
        {%- endif %}
        '{{ input["event_type"] }}' as event_type,
        {{ identity_resolution._idr_first_text(columns, input['event_name_columns'], required, where) }} as event_name,
        {%- for slot in cfg['event_slots'] %}
        {%- set text = identity_resolution._idr_slot_text(columns, by_global[slot['column']], input, where, helpers)
            if slot['column'] in by_global else 'cast(null as ' ~ string_type ~ ')' %}
        {#- a typed null (the input lacks the column) needs no cleaning #}
        {%- if not text.startswith('cast(null ') %}{% do filled.append('raw__' ~ slot['column']) %}{% endif %}
        {{ text }} as raw__{{ slot['column'] }},
        {%- endfor %}
        {%- for trait in cfg['traits'] %}
        {%- set text = identity_resolution._idr_first_text(
            columns, [trait] if trait in input['traits'] else [], required, where) %}
        {%- if not text.startswith('cast(null ') %}{% do filled.append('trait__' ~ trait) %}{% endif %}
        {{ text }} as trait__{{ trait }},
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

cleaned as (

    select
        source_name,
        {{ identity_resolution.idr_clean_text('event_id') }} as event_id,
        event_version,
        occurred_at,
        is_occurred_at_missing,
        loaded_at,
        event_type,
        {%- set text_columns = ['event_name'] %}
        {%- for slot in cfg['event_slots'] %}{% do text_columns.append('raw__' ~ slot['column']) %}{% endfor %}
        {%- for trait in cfg['traits'] %}{% do text_columns.append('trait__' ~ trait) %}{% endfor %}
        {%- for column in text_columns %}
        {{ identity_resolution.idr_clean_text(column) if column in filled else column }} as {{ column }},
        {%- endfor %}
        one
    from unioned

),

classified as (

    select
        *
        {%- for slot in cfg['event_slots'] %},
        {{ identity_resolution.idr_identifier_status('raw__' ~ slot['column'], cfg['types_by_name'][slot['type']]) | indent(8) }}
            as status__{{ slot['column'] }}
        {%- endfor %}

    from cleaned

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
        {{ identity_resolution.idr_identifier_value('raw__' ~ slot['column'], cfg['types_by_name'][slot['type']],
            'status__' ~ slot['column']) }} as {{ slot['column'] }},
        {%- endfor %}
        {#- per status: how many slots, and which (bit i is cfg['event_slots'][i]; idr_slot_mask_count reads them) #}
        {%- for status in ['blocked', 'invalid'] %}
        0
        {%- for slot in cfg['event_slots'] %}
        + case when status__{{ slot['column'] }} = '{{ status }}' then 1 else 0 end
        {%- endfor %} as {{ status }}_identifier_count,
        cast(0
        {%- for slot in cfg['event_slots'] %}
        + case when status__{{ slot['column'] }} = '{{ status }}' then {{ 2 ** loop.index0 }} else 0 end
        {%- endfor %} as {{ dbt.type_bigint() }}) as {{ status }}_slot_mask,
        {%- endfor %}
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


{#- The raw text (not cleaned yet) of the first of `names` that is not null: a typed null when the
    table has none of them (`required`: an error naming `where` for each missing one). -#}
{% macro _idr_first_text(columns, names, required, where) %}
    {%- set found = [] -%}
    {%- for name in names if columns is none or name | lower in columns or required -%}
        {%- do found.append(identity_resolution.idr_column_or_null(columns, name, dbt.type_string(), required=required, where=where)) -%}
    {%- endfor -%}
    {%- if found | length == 0 -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {{ return(found[0] if found | length == 1 else 'coalesce(' ~ found | join(', ') ~ ')') }}
{% endmacro %}


{#- Columns added to a raw table's rows before staging it, {name: sql}: a time column held as text,
    cleaned (its parse reads it several times), and the lower-cased device type and ad-tracking
    flag that device slots test. Only when executing (columns known) and the column exists. -#}
{% macro _idr_source_helpers(columns, input) %}
    {%- set helpers = {} -%}
    {%- if columns is none -%}
        {{ return(helpers) }}
    {%- endif -%}
    {%- for key in ['occurred_at', 'loaded_at'] if input[key] and input[key] | lower in columns -%}
        {%- if identity_resolution._idr_time_kind(columns[input[key] | lower]['data_type']) == 'text' -%}
            {%- do helpers.update({'_idr_' ~ key ~ '_text': identity_resolution.idr_clean_text(columns[input[key] | lower]['sql'])}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set kinds = input['slots'] | map(attribute='kind') | list -%}
    {%- for key, column in [('device_type', 'context_device_type'), ('ad_tracking', 'context_device_ad_tracking_enabled')]
            if column in columns and ('device' in kinds or 'advertising' in kinds) -%}
        {%- do helpers.update({'_idr_' ~ key: 'lower(' ~ identity_resolution.idr_clean_text(columns[column]['sql']) ~ ')'}) -%}
    {%- endfor -%}
    {{ return(helpers) }}
{% endmacro %}


{#- A time column as UTC (see idr_utc_timestamp); `required` fails the build when it is missing.
    `cleaned_text` names the helper column holding it cleaned, when it is text. -#}
{% macro _idr_time_column(columns, name, where, required, cleaned_text=none) %}
    {%- if columns is not none and name | lower not in columns -%}
        {%- if required -%}
            {{ exceptions.raise_compiler_error("identity_resolution: " ~ where ~ " has no column '" ~ name ~ "', which is required") }}
        {%- endif -%}
        {{ return('cast(null as ' ~ dbt.type_timestamp() ~ ')') }}
    {%- endif -%}
    {%- if cleaned_text is not none -%}
        {{ return(identity_resolution.idr_utc_timestamp(cleaned_text, 'text', true)) }}
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


{#- The raw text of one identifier slot (null when the table lacks its column); device slots only
    when the device type matches (and, for advertising ids, ad tracking is on). -#}
{% macro _idr_slot_text(columns, slot, input, where, helpers) %}
    {%- set value = identity_resolution._idr_first_text(columns, [slot['column']], input['kind'] == 'extra', where) -%}
    {%- if slot['kind'] not in ('device', 'advertising') or columns is none -%}
        {{ return(value) }}
    {%- endif -%}
    {%- if '_idr_device_type' not in helpers or (slot['kind'] == 'advertising' and '_idr_ad_tracking' not in helpers) -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {%- set condition = "_idr_device_type = '" ~ slot['platform'] ~ "'" -%}
    {%- if slot['kind'] == 'advertising' -%}
        {%- set condition = condition ~ " and _idr_ad_tracking in ('true', 't', '1')" -%}
    {%- endif -%}
    {{ return('case when ' ~ condition ~ ' then ' ~ value ~ ' end') }}
{% endmacro %}
