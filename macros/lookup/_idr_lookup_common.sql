{#- Private helpers shared by idr_lookup and idr_explain (run-operations). -#}

{#- The rows of a query as a list of dicts (column name -> plain value: text, whole number, float,
    bool, 'YYYY-MM-DD HH:MM:SS' for times, none). -#}
{% macro _idr_lookup_rows(sql) %}
    {%- set rows = [] -%}
    {%- if not execute -%}
        {{ return(rows) }}
    {%- endif -%}
    {%- set result = run_query(sql) -%}
    {%- for row in result.rows -%}
        {%- set record = {} -%}
        {%- for column in result.column_names -%}
            {%- do record.update({column | lower: identity_resolution._idr_lookup_cell(row[loop.index0])}) -%}
        {%- endfor -%}
        {%- do rows.append(record) -%}
    {%- endfor -%}
    {{ return(rows) }}
{% endmacro %}


{#- A database value as a plain value that tojson can write and text can show. -#}
{% macro _idr_lookup_cell(value) %}
    {%- if value is none or value is string -%}
        {{ return(value) }}
    {%- elif value is sameas true or value is sameas false -%}
        {{ return(value) }}
    {%- elif value is number -%}
        {{ return(value | int if value == value | int else value | float) }}
    {%- elif value.strftime is defined -%}
        {{ return(value.strftime('%Y-%m-%d %H:%M:%S')) }}
    {%- else -%}
        {{ return(value | string) }}
    {%- endif -%}
{% endmacro %}


{#- The check of one identifier: {identifier_type, input_value, identifier_value, node_id, status,
    profile_id, message}. An unknown type is status 'unknown_type'. -#}
{% macro _idr_lookup_check(cfg, identifier) %}
    {%- if identifier is not mapping or identifier.get('type') is none or 'value' not in identifier -%}
        {{ exceptions.raise_compiler_error("identity_resolution: an identifier is given as {type: ..., value: ...}; got: "
            ~ identifier) }}
    {%- endif -%}
    {%- set known = cfg['types'] | map(attribute='name') | list -%}
    {%- set matching = cfg['types'] | selectattr('name', 'equalto', identifier['type'] | string | trim | lower) | list -%}
    {%- if matching | length == 0 -%}
        {{ return({'identifier_type': identifier['type'] | string, 'input_value': identifier['value'],
            'identifier_value': none, 'node_id': none, 'status': 'unknown_type', 'profile_id': none,
            'message': "'" ~ identifier['type'] ~ "' is not an identifier type of this build (known types: "
                ~ known | join(', ') ~ ")."}) }}
    {%- endif -%}
    {%- set t = matching[0] -%}
    {%- set rows = identity_resolution._idr_lookup_rows(
        identity_resolution.idr_lookup_sql(t['name'], identifier['value'], 'status')) -%}
    {%- set checked = rows[0] if rows | length > 0 else {'identifier_type': t['name'], 'input_value': identifier['value'],
        'identifier_value': none, 'node_id': none, 'status': 'unknown', 'profile_id': none} -%}
    {%- set shown = t['name'] ~ ' ' ~ (checked['identifier_value'] or ("'" ~ (identifier['value'] | string) ~ "'")) -%}
    {%- set messages = {
        'found': shown ~ ' is in profile ' ~ checked['profile_id'] ~ '.',
        'blocked': shown ~ " is a blocked value (idr_blocked_values, idr_blocked_patterns or the type's own list):"
            ~ " it never becomes an identifier, so it belongs to no profile.",
        'invalid': shown ~ ' is not a valid ' ~ t['name'] ~ ' (empty, or implausible for the type): it never becomes an'
            ~ ' identifier, so it belongs to no profile.',
        'suppressed': shown ~ ' is suppressed (idr_suppressions): it was removed from every profile.',
        'unknown': shown ~ ' is unknown: no event carries it.',
    } -%}
    {%- do checked.update({'message': messages[checked['status']]}) -%}
    {{ return(checked) }}
{% endmacro %}


{#- Write `text` to the console (and dbt's log); `json` (a mapping) as one line of JSON instead when
    format is 'json'. -#}
{% macro _idr_lookup_say(format, text, json) %}
    {%- if format == 'json' -%}
        {%- do log(tojson(json, sort_keys=true), info=true) -%}
    {%- else -%}
        {%- do log(text, info=true) -%}
    {%- endif -%}
{% endmacro %}


{#- A fixed-width column: `value` as text, cut or padded to `width`. -#}
{% macro _idr_lookup_pad(value, width) %}
    {%- set text = '' if value is none else value | string -%}
    {%- if text | length > width -%}
        {{ return(text[:width - 1] ~ '~') }}
    {%- endif -%}
    {{ return(text ~ ' ' * (width - text | length)) }}
{% endmacro %}
