{#- Private helpers of idr_config(): identifier types. -#}

{#- The types of `idr_identifier_types`, validated, in the order given (ranked by the caller). -#}
{% macro _idr_configured_types() %}
    {%- set configured = var('idr_identifier_types') or {} -%}
    {%- if configured is not mapping -%}
        {%- do identity_resolution._idr_fail('idr_identifier_types', 'a mapping of identifier type -> settings', configured) -%}
    {%- endif -%}
    {%- set seen_priorities = {} -%}
    {%- set out = [] -%}
    {%- for type_name, settings in configured.items() -%}
        {%- do identity_resolution._idr_check_type_name(type_name, 'idr_identifier_types (type name)') -%}
        {%- set t = identity_resolution._idr_type_settings(type_name, settings, true) -%}
        {%- if t['priority'] in seen_priorities -%}
            {{ exceptions.raise_compiler_error(
                "identity_resolution: idr_identifier_types: types '" ~ seen_priorities[t['priority']] ~ "' and '" ~ type_name
                ~ "' share priority " ~ t['priority'] ~ "; priorities must be distinct so that the order is total") }}
        {%- endif -%}
        {%- do seen_priorities.update({t['priority']: type_name}) -%}
        {%- do out.append(t) -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}


{#- One type's settings with defaults: `settings` from idr_identifier_types ({} for a type that is
    only in use). -#}
{% macro _idr_type_settings(type_name, settings, configured) %}
    {%- set where = 'idr_identifier_types.' ~ type_name -%}
    {%- set settings = settings if settings is not none else {} -%}
    {%- if settings is not mapping -%}
        {%- do identity_resolution._idr_fail(where, 'a mapping with keys priority, limit, normalizer, blocked_values, blocked_patterns', settings) -%}
    {%- endif -%}
    {%- do identity_resolution._idr_check_keys(settings, ['priority', 'limit', 'normalizer', 'blocked_values', 'blocked_patterns'], where) -%}
    {%- set normalizers = ['email', 'phone', 'trim', 'lower', 'none'] -%}
    {%- set default_normalizer = 'email' if type_name == 'email' else ('phone' if type_name == 'phone' else 'trim') -%}
    {%- set normalizer = settings.get('normalizer', default_normalizer) -%}
    {%- if normalizer not in normalizers -%}
        {%- do identity_resolution._idr_fail(where ~ '.normalizer', 'one of ' ~ normalizers | join(', '), normalizer) -%}
    {%- endif -%}
    {%- set blocked_values = settings.get('blocked_values', var('idr_blocked_values')) -%}
    {%- set values_where = where ~ '.blocked_values' if 'blocked_values' in settings else 'idr_blocked_values' -%}
    {%- set blocked_patterns = settings.get('blocked_patterns', var('idr_blocked_patterns')) -%}
    {%- set patterns_where = where ~ '.blocked_patterns' if 'blocked_patterns' in settings else 'idr_blocked_patterns' -%}
    {{ return({
        'name': type_name,
        'configured': configured,
        'priority': identity_resolution._idr_check_whole(settings.get('priority'), where ~ '.priority', 1,
            expected='a whole number >= 1 (1 = most trusted)') if configured else none,
        'limit': identity_resolution._idr_check_whole(settings.get('limit'), where ~ '.limit', 1, allow_none=true,
            expected='a whole number >= 1 (or left out for no limit)'),
        'normalizer': 'trim' if normalizer == 'none' else normalizer,
        'blocked_values': identity_resolution._idr_string_list(blocked_values, values_where),
        'blocked_patterns': identity_resolution._idr_check_patterns(
            identity_resolution._idr_string_list(blocked_patterns, patterns_where), patterns_where),
        'blocked_patterns_var': patterns_where,
    }) }}
{% endmacro %}
