{#- Private helpers of idr_config(): the raw tables the build reads. -#}

{#- The enabled Segment tables, each with the identifier slots, times and traits read from it. -#}
{% macro _idr_segment_inputs(is_demo) %}
    {%- set schema = var('idr_segment_schema') -%}
    {%- set database = var('idr_segment_database') -%}
    {%- if schema is not none -%}
        {%- do identity_resolution._idr_check_sql_name(schema, 'idr_segment_schema') -%}
    {%- endif -%}
    {%- if database is not none -%}
        {%- do identity_resolution._idr_check_sql_name(database, 'idr_segment_database') -%}
    {%- endif -%}
    {%- set loaded_at = var('idr_segment_loaded_at') -%}
    {%- if loaded_at is not none -%}
        {%- do identity_resolution._idr_check_column_name(loaded_at, 'idr_segment_loaded_at') -%}
    {%- endif -%}
    {%- set slots = identity_resolution._idr_segment_slots() -%}
    {%- set traits = [] -%}
    {%- for trait in identity_resolution._idr_string_list(var('idr_segment_traits'), 'idr_segment_traits') -%}
        {%- do identity_resolution._idr_check_column_name(trait, 'idr_segment_traits[' ~ loop.index0 ~ ']') -%}
        {%- if trait | lower not in traits -%}
            {%- do traits.append(trait | lower) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set inputs = [] -%}
    {%- for table, event_type, event_name_columns in [
            ('identifies', 'identify', []), ('tracks', 'track', ['event']), ('pages', 'page', ['name', 'path']),
            ('screens', 'screen', ['name']), ('aliases', 'alias', [])] -%}
        {%- set enabled = identity_resolution._idr_check_bool(var('idr_segment_' ~ table ~ '_enabled'), 'idr_segment_' ~ table ~ '_enabled') -%}
        {%- set identifier = identity_resolution._idr_check_sql_name(var('idr_segment_' ~ table ~ '_table'), 'idr_segment_' ~ table ~ '_table') -%}
        {%- if enabled -%}
            {%- if is_demo -%}
                {%- if table not in ['identifies', 'tracks', 'pages'] -%}
                    {{ exceptions.raise_compiler_error(
                        "identity_resolution: Segment table '" ~ table ~ "' is enabled but the demo data has no such table:"
                        ~ " set idr_segment_schema to the schema holding your Segment tables, or idr_segment_" ~ table ~ "_enabled: false") }}
                {%- endif -%}
                {%- set relation = {'seed': 'demo_segment_' ~ table} -%}
            {%- elif schema is none -%}
                {{ exceptions.raise_compiler_error(
                    "identity_resolution: set the var idr_segment_schema to the schema holding your Segment tables"
                    ~ " (identifies, tracks, pages, ...), or switch them off with idr_segment_<table>_enabled: false"
                    ~ " (Segment table '" ~ table ~ "' is enabled)") }}
            {%- else -%}
                {%- set relation = {'database': database, 'schema': schema, 'identifier': identifier} -%}
            {%- endif -%}
            {%- set table_slots = [] -%}
            {%- for slot in slots if slot['kind'] != 'previous_id' or table == 'aliases' -%}
                {%- do table_slots.append(slot.copy()) -%}
            {%- endfor -%}
            {%- do inputs.append({
                'name': 'segment.' ~ table,
                'model': 'stg_idr__segment__' ~ table,
                'kind': 'segment',
                'table': table,
                'event_type': event_type,
                'relation': relation,
                'event_id': 'id',
                'occurred_at': 'timestamp',
                'loaded_at': loaded_at,
                'version': none,
                'event_name_columns': event_name_columns,
                'slots': table_slots,
                'traits': traits if table == 'identifies' else [],
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(inputs) }}
{% endmacro %}


{#- The identifier slots of a Segment table: idr_segment_identifiers, device ids, alias previous_id. -#}
{% macro _idr_segment_slots() %}
    {%- set configured = var('idr_segment_identifiers') or {} -%}
    {%- if configured is not mapping -%}
        {%- do identity_resolution._idr_fail('idr_segment_identifiers', 'a mapping of identifier type -> list of columns', configured) -%}
    {%- endif -%}
    {%- set slots = [] -%}
    {%- set columns_seen = [] -%}
    {%- for type_name, columns in configured.items() -%}
        {%- do identity_resolution._idr_check_type_name(type_name, 'idr_segment_identifiers (type name)') -%}
        {%- set where = 'idr_segment_identifiers.' ~ type_name -%}
        {%- for column in identity_resolution._idr_string_list([columns] if columns is string else columns, where) -%}
            {%- do identity_resolution._idr_check_column_name(column, where ~ '[' ~ loop.index0 ~ ']') -%}
            {%- if column | lower in columns_seen -%}
                {{ exceptions.raise_compiler_error(
                    "identity_resolution: idr_segment_identifiers: column '" ~ column ~ "' is listed twice; a column holds one identifier type") }}
            {%- endif -%}
            {%- do columns_seen.append(column | lower) -%}
            {%- do slots.append({'type': type_name, 'column': column | lower, 'kind': 'column', 'platform': none}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if identity_resolution._idr_check_bool(var('idr_segment_device_identifiers'), 'idr_segment_device_identifiers') -%}
        {%- for platform in ['ios', 'android'] -%}
            {%- do slots.append({'type': platform ~ '.id', 'column': 'context_device_id', 'kind': 'device', 'platform': platform}) -%}
            {%- do slots.append({'type': platform ~ '.idfa', 'column': 'context_device_advertising_id', 'kind': 'advertising', 'platform': platform}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if identity_resolution._idr_check_bool(var('idr_segment_alias_edges'), 'idr_segment_alias_edges') -%}
        {#- previous_id is the id the user had before: by default in analytics.js, the anonymous id -#}
        {%- do slots.append({'type': 'anonymous_id', 'column': 'previous_id', 'kind': 'previous_id', 'platform': none}) -%}
    {%- endif -%}
    {{ return(slots) }}
{% endmacro %}


{#- The tables of idr_sources (the demo CRM seed when this repository builds its demo and the var is
    null), validated. -#}
{% macro _idr_extra_inputs(is_demo) %}
    {%- set sources = var('idr_sources') -%}
    {%- if sources is none -%}
        {%- set sources = [{
            'name': 'crm_contacts', 'seed': 'demo_crm_contacts', 'event_id': 'contact_id', 'occurred_at': 'created_at',
            'identifiers': {'email': 'email', 'phone': 'phone'}, 'traits': ['first_name', 'last_name', 'company'],
        }] if is_demo else [] -%}
    {%- endif -%}
    {%- if sources is string or sources is mapping or sources is not iterable -%}
        {%- do identity_resolution._idr_fail('idr_sources', 'a list of source mappings', sources) -%}
    {%- endif -%}
    {%- set allowed = ['name', 'relation', 'seed', 'event_id', 'occurred_at', 'identifiers', 'traits', 'event_name',
                       'loaded_at', 'version'] -%}
    {%- set names = [] -%}
    {%- set inputs = [] -%}
    {%- for source in sources -%}
        {%- if source is not mapping -%}
            {%- do identity_resolution._idr_fail('idr_sources[' ~ loop.index0 ~ ']', 'a mapping', source) -%}
        {%- endif -%}
        {%- set where = "idr_sources[" ~ loop.index0 ~ "]" ~ (" (" ~ source.get('name') ~ ")" if source.get('name') is string else "") -%}
        {%- do identity_resolution._idr_check_keys(source, allowed, where) -%}
        {%- for key in ['name', 'event_id', 'occurred_at', 'identifiers'] -%}
            {%- if source.get(key) is none -%}
                {{ exceptions.raise_compiler_error("identity_resolution: " ~ where ~ " is missing required key '" ~ key ~ "'") }}
            {%- endif -%}
        {%- endfor -%}
        {%- if source['name'] is not string or not modules.re.match('^[a-z][a-z0-9_]*$', source['name']) -%}
            {%- do identity_resolution._idr_fail(where ~ '.name', "lower case letters, digits and '_', starting with a letter", source['name']) -%}
        {%- endif -%}
        {%- if source['name'] in names or source['name'].startswith('segment') -%}
            {{ exceptions.raise_compiler_error(
                "identity_resolution: " ~ where ~ ": name '" ~ source['name'] ~ "' is used twice or clashes with the Segment source") }}
        {%- endif -%}
        {%- do names.append(source['name']) -%}
        {%- if (source.get('relation') is none) == (source.get('seed') is none) -%}
            {{ exceptions.raise_compiler_error("identity_resolution: " ~ where ~ " needs exactly one of 'relation' (schema.table) or 'seed'") }}
        {%- endif -%}
        {%- if source.get('relation') is not none -%}
            {%- set relation = identity_resolution._idr_parse_relation(source['relation'], where ~ '.relation') -%}
        {%- else -%}
            {%- set relation = {'seed': identity_resolution._idr_check_sql_name(source['seed'], where ~ '.seed')} -%}
        {%- endif -%}
        {%- for key in ['event_id', 'occurred_at', 'event_name', 'loaded_at', 'version'] if source.get(key) is not none -%}
            {%- do identity_resolution._idr_check_column_name(source[key], where ~ '.' ~ key) -%}
        {%- endfor -%}
        {%- set identifiers = source['identifiers'] -%}
        {%- if identifiers is not mapping or identifiers | length == 0 -%}
            {%- do identity_resolution._idr_fail(where ~ '.identifiers', 'a non-empty mapping of identifier type -> column', identifiers) -%}
        {%- endif -%}
        {%- set slots = [] -%}
        {%- for type_name, column in identifiers.items() -%}
            {%- do identity_resolution._idr_check_type_name(type_name, where ~ '.identifiers (type name)') -%}
            {%- do identity_resolution._idr_check_column_name(column, where ~ '.identifiers.' ~ type_name) -%}
            {%- do slots.append({'type': type_name, 'column': column, 'kind': 'column', 'platform': none}) -%}
        {%- endfor -%}
        {%- set traits = [] -%}
        {%- for trait in identity_resolution._idr_string_list(source.get('traits', []), where ~ '.traits') -%}
            {%- do identity_resolution._idr_check_column_name(trait, where ~ '.traits[' ~ loop.index0 ~ ']') -%}
            {%- if trait | lower not in traits -%}
                {%- do traits.append(trait | lower) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do inputs.append({
            'name': source['name'],
            'model': 'stg_idr__extra_sources',
            'kind': 'extra',
            'table': none,
            'event_type': 'record',
            'relation': relation,
            'event_id': source['event_id'],
            'occurred_at': source['occurred_at'],
            'loaded_at': source.get('loaded_at'),
            'version': source.get('version'),
            'event_name_columns': [source['event_name']] if source.get('event_name') else [],
            'slots': slots,
            'traits': traits,
        }) -%}
    {%- endfor -%}
    {{ return(inputs) }}
{% endmacro %}
