{#-
    The extra (non-Segment) sources declared in `idr_sources`, validated.

    Each entry: {name, relation | seed, event_id, occurred_at, identifiers: {type: column},
                 traits: [column], event_name}
      relation   'table', 'schema.table' or 'database.schema.table'
      seed       the name of a seed in the project (used by the bundled demo)
      event_name optional column holding the event's name
    Returns the list with defaults filled in; raises a compiler error on anything malformed.
-#}
{% macro idr_sources() %}
    {%- set sources = var('idr_sources') -%}
    {%- if sources is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- if sources is string or sources is mapping or sources is not iterable -%}
        {{ exceptions.raise_compiler_error("idr_sources must be a list of source mappings, got: " ~ sources) }}
    {%- endif -%}
    {%- set allowed = ['name', 'relation', 'seed', 'event_id', 'occurred_at', 'identifiers', 'traits', 'event_name'] -%}
    {%- set names = [] -%}
    {%- set out = [] -%}
    {%- for source in sources -%}
        {%- if source is not mapping -%}
            {{ exceptions.raise_compiler_error("idr_sources[" ~ loop.index0 ~ "] must be a mapping, got: " ~ source) }}
        {%- endif -%}
        {%- set where = "idr_sources[" ~ loop.index0 ~ "]" ~ (" (" ~ source.get('name') ~ ")" if source.get('name') else "") -%}
        {%- for key in source -%}
            {%- if key not in allowed -%}
                {{ exceptions.raise_compiler_error(where ~ " has unknown key '" ~ key ~ "'. Allowed keys: " ~ allowed | join(', ')) }}
            {%- endif -%}
        {%- endfor -%}
        {%- for key in ['name', 'event_id', 'occurred_at', 'identifiers'] -%}
            {%- if source.get(key) is none -%}
                {{ exceptions.raise_compiler_error(where ~ " is missing required key '" ~ key ~ "'") }}
            {%- endif -%}
        {%- endfor -%}
        {%- if source.get('name') is not string or not modules.re.match('^[a-z][a-z0-9_]*$', source['name']) -%}
            {{ exceptions.raise_compiler_error(where ~ ": name must be lower case letters, digits and '_', got: " ~ source.get('name')) }}
        {%- endif -%}
        {%- if source['name'] in names or source['name'].startswith('segment') -%}
            {{ exceptions.raise_compiler_error(where ~ ": name '" ~ source['name'] ~ "' is used twice or clashes with the Segment source") }}
        {%- endif -%}
        {%- do names.append(source['name']) -%}
        {%- if (source.get('relation') is none) == (source.get('seed') is none) -%}
            {{ exceptions.raise_compiler_error(where ~ " needs exactly one of 'relation' (schema.table) or 'seed'") }}
        {%- endif -%}
        {%- if source.get('relation') is not none and (source['relation'] is not string
                or not modules.re.match('^[A-Za-z_][A-Za-z0-9_$]*([.][A-Za-z_][A-Za-z0-9_$]*){0,2}$', source['relation'])) -%}
            {{ exceptions.raise_compiler_error(where ~ ": relation must look like 'table', 'schema.table' or 'database.schema.table', got: " ~ source['relation']) }}
        {%- endif -%}
        {%- for key in ['event_id', 'occurred_at', 'event_name'] -%}
            {%- if source.get(key) is not none -%}
                {%- do identity_resolution._idr_check_column_name(source[key], where ~ "." ~ key) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set identifiers = source['identifiers'] -%}
        {%- if identifiers is not mapping or identifiers | length == 0 -%}
            {{ exceptions.raise_compiler_error(where ~ ".identifiers must be a non-empty mapping of identifier type -> column, got: " ~ identifiers) }}
        {%- endif -%}
        {%- set slots = [] -%}
        {%- for type_name, column in identifiers.items() -%}
            {%- do identity_resolution._idr_check_type_name(type_name, where ~ ".identifiers") -%}
            {%- do identity_resolution._idr_check_column_name(column, where ~ ".identifiers." ~ type_name) -%}
            {%- do slots.append({'slot': 'id_' ~ loop.index, 'type': type_name, 'column': column, 'kind': 'column'}) -%}
        {%- endfor -%}
        {%- set traits = identity_resolution._idr_string_list(source.get('traits', []), where ~ ".traits") -%}
        {%- for trait in traits -%}
            {%- do identity_resolution._idr_check_column_name(trait, where ~ ".traits") -%}
        {%- endfor -%}
        {%- do out.append({
            'name': source['name'],
            'relation': source.get('relation'),
            'seed': source.get('seed'),
            'event_id': source['event_id'],
            'occurred_at': source['occurred_at'],
            'event_name': source.get('event_name'),
            'slots': slots,
            'traits': traits | map('lower') | list,
        }) -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}


{% macro _idr_check_column_name(column, where) %}
    {%- if column is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column) -%}
        {{ exceptions.raise_compiler_error(where ~ ": '" ~ column ~ "' is not a plain column name") }}
    {%- endif -%}
{% endmacro %}
