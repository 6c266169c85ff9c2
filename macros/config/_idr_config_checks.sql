{#-
    Private helpers of idr_config(): validate one var value and fail with a message that names the
    var, shows the offending value with its type, and says how to fix it.
-#}

{#- A value as an error message shows it: quoted when a string, with its type. -#}
{% macro _idr_describe(value) %}
    {%- if value is none -%}
        {{ return('null') }}
    {%- elif value is boolean -%}
        {{ return((value | string | lower) ~ ' (a boolean)') }}
    {%- elif value is number -%}
        {{ return((value | string) ~ ' (a number)') }}
    {%- elif value is string -%}
        {{ return("'" ~ value ~ "' (a string)") }}
    {%- elif value is mapping -%}
        {{ return((value | string) ~ ' (a mapping)') }}
    {%- elif value is iterable -%}
        {{ return((value | list | string) ~ ' (a list)') }}
    {%- else -%}
        {{ return(value | string) }}
    {%- endif -%}
{% endmacro %}


{% macro _idr_fail(where, expected, value, hint='') %}
    {{ exceptions.raise_compiler_error(
        "identity_resolution: " ~ where ~ " must be " ~ expected ~ ", got: "
        ~ identity_resolution._idr_describe(value) ~ (". " ~ hint if hint else "")) }}
{% endmacro %}


{#- true or false; a quoted 'true' / 'false' gets a hint to drop the quotes. -#}
{% macro _idr_check_bool(value, where) %}
    {%- if value is not boolean -%}
        {%- set hint = 'Write it without quotes' if value is string and value | lower in ['true', 'false'] else '' -%}
        {%- do identity_resolution._idr_fail(where, 'true or false', value, hint) -%}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{#- A whole number >= minimum (or null when allow_none); a quoted number gets a hint. -#}
{% macro _idr_check_whole(value, where, minimum, allow_none=false, expected=none) %}
    {%- if value is none and allow_none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if value is none or value is boolean or value is not number or value != (value | int) or value < minimum -%}
        {%- set hint = 'Write it without quotes' if value is string and modules.re.match('^ *-?[0-9]+ *$', value) else '' -%}
        {%- do identity_resolution._idr_fail(where, expected or ('a whole number >= ' ~ minimum), value, hint) -%}
    {%- endif -%}
    {{ return(value | int) }}
{% endmacro %}


{#- A list of strings (null means empty); an unquoted number or boolean in it gets a hint. -#}
{% macro _idr_string_list(value, where) %}
    {%- if value is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- if value is string or value is mapping or value is not iterable -%}
        {%- do identity_resolution._idr_fail(where, 'a list of strings', value) -%}
    {%- endif -%}
    {%- set out = [] -%}
    {%- for item in value -%}
        {%- if item is not string -%}
            {%- do identity_resolution._idr_fail(where ~ '[' ~ loop.index0 ~ ']', 'a string', item, 'Quote it') -%}
        {%- endif -%}
        {%- do out.append(item) -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}


{#- Identifier type names: lower case letters, digits, '_' and '.', starting with a letter. -#}
{% macro _idr_check_type_name(type_name, where) %}
    {%- if type_name is not string or not modules.re.match('^[a-z][a-z0-9_.]*$', type_name) -%}
        {%- do identity_resolution._idr_fail(where, "an identifier type name (lower case letters, digits, '_' or '.', starting with a letter)", type_name) -%}
    {%- endif -%}
    {{ return(type_name) }}
{% endmacro %}


{#- Column names read from a user's table: plain SQL identifiers. -#}
{% macro _idr_check_column_name(column, where) %}
    {%- if column is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column) -%}
        {%- do identity_resolution._idr_fail(where, "a plain column name (letters, digits and '_', not starting with a digit)", column) -%}
    {%- endif -%}
    {{ return(column) }}
{% endmacro %}


{#- Database, schema and table names: letters, digits, '_', '$' and '-' only, so that no value
    from config can end a quoted identifier or a statement. -#}
{% macro _idr_check_sql_name(name, where) %}
    {%- if name is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_$-]*$', name) -%}
        {%- do identity_resolution._idr_fail(where, "a database, schema or table name (letters, digits, '_', '$' or '-', starting with a letter or '_')", name) -%}
    {%- endif -%}
    {{ return(name) }}
{% endmacro %}


{#- 'table', 'schema.table' or 'database.schema.table' -> {database, schema, identifier} (parts not
    given are null: the target's). -#}
{% macro _idr_parse_relation(value, where) %}
    {%- if value is not string or value | length == 0 -%}
        {%- do identity_resolution._idr_fail(where, "a relation name: 'table', 'schema.table' or 'database.schema.table'", value) -%}
    {%- endif -%}
    {%- set parts = value.split('.') -%}
    {%- if parts | length > 3 -%}
        {%- do identity_resolution._idr_fail(where, "a relation name: 'table', 'schema.table' or 'database.schema.table'", value) -%}
    {%- endif -%}
    {%- for part in parts -%}
        {%- do identity_resolution._idr_check_sql_name(part, where ~ " (part '" ~ part ~ "' of '" ~ value ~ "')") -%}
    {%- endfor -%}
    {{ return({
        'database': parts[-3] if parts | length == 3 else none,
        'schema': parts[-2] if parts | length >= 2 else none,
        'identifier': parts[-1],
    }) }}
{% endmacro %}


{#- Regular expressions for blocked_patterns: they must compile, and use only what every engine's
    regex dialect shares: no group of the form (?...) other than (?:...) (look-around, named and
    atomic groups, comments, inline flags such as (?i): PostgreSQL and RE2 disagree on them, and the
    pattern is wrapped in ^(?:...)$), no back-references, no POSIX classes ([:alpha:]: Python reads
    them otherwise). What an engine still rejects is reported by _idr_check_patterns_run. -#}
{% macro _idr_check_patterns(patterns, where) %}
    {%- for pattern in patterns -%}
        {%- set label = where ~ "[" ~ loop.index0 ~ "] ('" ~ pattern ~ "')" -%}
        {%- if modules.re.search('\\[:[a-z]+:\\]', pattern) -%}
            {{ exceptions.raise_compiler_error(
                "identity_resolution: " ~ label ~ " uses a POSIX character class such as [:alpha:], which not every"
                ~ " engine reads alike; write the characters out, e.g. [A-Za-z]") }}
        {%- endif -%}
        {%- do try_or_compiler_error(
            "identity_resolution: " ~ label ~ " is not a valid regular expression; fix or remove it",
            modules.re.compile, pattern) -%}
        {%- if modules.re.search('[(][?](?!:)|\\\\[1-9]', pattern) -%}
            {{ exceptions.raise_compiler_error(
                "identity_resolution: " ~ label ~ " uses look-around, a named or atomic group, a comment, an inline"
                ~ " flag such as (?i) or a back-reference, which the engines' regular expressions do not share;"
                ~ " rewrite it without them (patterns are case-sensitive: write [Tt]est for either case)") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(patterns) }}
{% endmacro %}


{#- When executing: compile every blocked pattern in the database once, so that one the engine
    rejects fails with the var and the pattern named instead of a raw database error. -#}
{% macro _idr_check_patterns_run(cfg) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set checked = [] -%}
    {%- for t in cfg['types'] -%}
        {%- for pattern in t['blocked_patterns'] if pattern not in checked -%}
            {%- do checked.append(pattern) -%}
            {%- do try_or_compiler_error(
                "identity_resolution: " ~ t['blocked_patterns_var'] ~ "[" ~ t['blocked_patterns'].index(pattern)
                ~ "] ('" ~ pattern ~ "') is not a regular expression " ~ target.type ~ " accepts; fix or remove it",
                run_query, 'select ' ~ identity_resolution.idr_regexp_full_match("'x'", pattern) ~ ' as is_match') -%}
        {%- endfor -%}
    {%- endfor -%}
{% endmacro %}


{#- Every key of `mapping` is one of `allowed`. -#}
{% macro _idr_check_keys(mapping, allowed, where) %}
    {%- for key in mapping -%}
        {%- if key not in allowed -%}
            {{ exceptions.raise_compiler_error(
                "identity_resolution: " ~ where ~ " has unknown key '" ~ key ~ "'. Allowed keys: " ~ allowed | join(', ')) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
