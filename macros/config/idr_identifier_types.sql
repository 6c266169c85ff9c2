{#-
    The identifier types in play, validated, each with its rank and settings.

    Returns a list of dicts, most trusted first:
      {name, column_name, rank, priority, limit, normalizer, blocked_values, blocked_patterns, name_ordinal}

    rank         1..n: configured types by `priority`, then every other type in use alphabetically.
    name_ordinal 1..n: position of the type's name in alphabetical order (the edge order's tie-break).
    Raises a compiler error for anything in `idr_identifier_types` it cannot use.
-#}
{% macro idr_identifier_types() %}
    {%- set configured = var('idr_identifier_types') or {} -%}
    {%- if configured is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "idr_identifier_types must be a mapping of identifier type -> settings, got: " ~ configured) }}
    {%- endif -%}

    {%- set allowed_keys = ['priority', 'limit', 'normalizer', 'blocked_values', 'blocked_patterns'] -%}
    {%- set normalizers = ['email', 'phone', 'trim', 'lower', 'none'] -%}
    {%- set default_values = identity_resolution._idr_string_list(var('idr_blocked_values'), 'idr_blocked_values') -%}
    {%- set default_patterns = identity_resolution._idr_string_list(var('idr_blocked_patterns'), 'idr_blocked_patterns') -%}

    {%- set seen_priorities = {} -%}
    {%- set ranked = [] -%}
    {%- for type_name, settings in configured.items() -%}
        {%- do identity_resolution._idr_check_type_name(type_name, 'idr_identifier_types') -%}
        {%- set settings = settings if settings is not none else {} -%}
        {%- if settings is not mapping -%}
            {{ exceptions.raise_compiler_error(
                "idr_identifier_types." ~ type_name ~ " must be a mapping with keys " ~ allowed_keys ~ ", got: " ~ settings) }}
        {%- endif -%}
        {%- for key in settings -%}
            {%- if key not in allowed_keys -%}
                {{ exceptions.raise_compiler_error(
                    "idr_identifier_types." ~ type_name ~ " has unknown key '" ~ key ~ "'. Allowed keys: " ~ allowed_keys | join(', ')) }}
            {%- endif -%}
        {%- endfor -%}
        {%- set priority = settings.get('priority') -%}
        {%- if priority is none or priority is not number or priority is boolean or priority != (priority | int) or priority < 1 -%}
            {{ exceptions.raise_compiler_error(
                "idr_identifier_types." ~ type_name ~ ".priority must be a whole number >= 1 (1 = most trusted), got: " ~ priority) }}
        {%- endif -%}
        {%- if priority in seen_priorities -%}
            {{ exceptions.raise_compiler_error(
                "idr_identifier_types: types '" ~ seen_priorities[priority] ~ "' and '" ~ type_name
                ~ "' share priority " ~ priority ~ "; priorities must be distinct so that the order is total") }}
        {%- endif -%}
        {%- do seen_priorities.update({priority: type_name}) -%}
        {%- set limit = settings.get('limit') -%}
        {%- if limit is not none and (limit is not number or limit is boolean or limit != (limit | int) or limit < 1) -%}
            {{ exceptions.raise_compiler_error(
                "idr_identifier_types." ~ type_name ~ ".limit must be a whole number >= 1 (or left out for no limit), got: " ~ limit) }}
        {%- endif -%}
        {%- set normalizer = settings.get('normalizer', identity_resolution._idr_default_normalizer(type_name)) -%}
        {%- if normalizer not in normalizers -%}
            {{ exceptions.raise_compiler_error(
                "idr_identifier_types." ~ type_name ~ ".normalizer must be one of " ~ normalizers | join(', ') ~ ", got: " ~ normalizer) }}
        {%- endif -%}
        {%- do ranked.append({
            'name': type_name,
            'priority': priority | int,
            'limit': (limit | int) if limit is not none else none,
            'normalizer': normalizer,
            'blocked_values': identity_resolution._idr_string_list(
                settings.get('blocked_values', default_values), 'idr_identifier_types.' ~ type_name ~ '.blocked_values'),
            'blocked_patterns': identity_resolution._idr_string_list(
                settings.get('blocked_patterns', default_patterns), 'idr_identifier_types.' ~ type_name ~ '.blocked_patterns'),
        }) -%}
    {%- endfor -%}

    {%- set ordered = ranked | sort(attribute='priority') -%}
    {%- set configured_names = ordered | map(attribute='name') | list -%}
    {%- for type_name in identity_resolution.idr_identifier_types_in_use() | sort -%}
        {%- if type_name not in configured_names -%}
            {%- do ordered.append({
                'name': type_name,
                'priority': none,
                'limit': none,
                'normalizer': identity_resolution._idr_default_normalizer(type_name),
                'blocked_values': default_values,
                'blocked_patterns': default_patterns,
            }) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set names_sorted = ordered | map(attribute='name') | sort -%}
    {%- set column_names = {} -%}
    {%- for t in ordered -%}
        {%- set column_name = t['name'] | replace('.', '_') -%}
        {%- if column_name in column_names -%}
            {{ exceptions.raise_compiler_error(
                "identifier types '" ~ column_names[column_name] ~ "' and '" ~ t['name']
                ~ "' map to the same column name '" ~ column_name ~ "'; rename one of them") }}
        {%- endif -%}
        {%- do column_names.update({column_name: t['name']}) -%}
        {%- do t.update({'rank': loop.index, 'column_name': column_name, 'name_ordinal': names_sorted.index(t['name']) + 1}) -%}
    {%- endfor -%}
    {{ return(ordered) }}
{% endmacro %}


{% macro _idr_default_normalizer(type_name) %}
    {%- if type_name == 'email' -%}
        {{ return('email') }}
    {%- elif type_name == 'phone' -%}
        {{ return('phone') }}
    {%- else -%}
        {{ return('trim') }}
    {%- endif -%}
{% endmacro %}


{% macro _idr_check_type_name(type_name, where) %}
    {%- if type_name is not string or not modules.re.match('^[a-z][a-z0-9_.]*$', type_name) -%}
        {{ exceptions.raise_compiler_error(
            where ~ ": identifier type '" ~ type_name ~ "' must be lower case letters, digits, '_' or '.', starting with a letter") }}
    {%- endif -%}
{% endmacro %}


{% macro _idr_string_list(value, where) %}
    {%- if value is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- if value is string or value is mapping or value is not iterable -%}
        {{ exceptions.raise_compiler_error(where ~ " must be a list of strings, got: " ~ value) }}
    {%- endif -%}
    {%- set out = [] -%}
    {%- for item in value -%}
        {%- if item is not string -%}
            {{ exceptions.raise_compiler_error(where ~ " must be a list of strings; '" ~ item ~ "' is not a string (quote it)") }}
        {%- endif -%}
        {%- do out.append(item) -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}
