{#-
    `expr` cast to a string with every Unicode whitespace, control and invisible format character
    (general categories Zs, Zl, Zp, Cc and Cf, Unicode 14.0) removed from both ends; null stays null.
    The same characters on every engine and in the test suite's Python reference
    (tests/python/reference.py, checked against Python's unicodedata).
-#}
{% macro idr_clean_text(expr) %}
    {{- return(adapter.dispatch('idr_clean_text', 'identity_resolution')(expr)) -}}
{% endmacro %}

{% macro default__idr_clean_text(expr) -%}
    {%- set strip = identity_resolution._idr_strip_class() -%}
    {{ identity_resolution.idr_regexp_replace_all(
        'cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ ')', '^' ~ strip ~ '+|' ~ strip ~ '+$', '') }}
{%- endmacro %}

{#- DuckDB: skip the regular expression when both ends are printable ASCII, the common case
    (about 2x faster on identifier columns). The ends are read as code points (ord of the first,
    and of substr(-1, 1), the last): 3x faster than left() / right(), which count characters. -#}
{% macro duckdb__idr_clean_text(expr) -%}
    {%- set strip = identity_resolution._idr_strip_class() -%}
    {%- set text = 'cast(' ~ expr ~ ' as varchar)' -%}
    case
        when ord({{ text }}) between 33 and 126 and ord(substr({{ text }}, -1, 1)) between 33 and 126 then {{ text }}
        else regexp_replace({{ text }}, '^{{ strip }}+|{{ strip }}+$', '', 'g')
    end
{%- endmacro %}


{#- The character class of the characters stripped, in the engine's regular-expression escapes. -#}
{% macro _idr_strip_class() %}
    {%- set ranges = [
        (1, 32), (127, 160), (173, 173), (1536, 1541), (1564, 1564), (1757, 1757), (1807, 1807),
        (2192, 2193), (2274, 2274), (5760, 5760), (6158, 6158), (8192, 8207), (8232, 8239),
        (8287, 8292), (8294, 8303), (12288, 12288), (65279, 65279), (65529, 65531), (69821, 69821),
        (69837, 69837), (78896, 78904), (113824, 113827), (119155, 119162), (917505, 917505),
        (917536, 917631),
    ] -%}
    {%- set parts = [] -%}
    {%- for low, high in ranges -%}
        {%- set first = identity_resolution.idr_regexp_code_point(low) -%}
        {%- do parts.append(first if low == high else first ~ '-' ~ identity_resolution.idr_regexp_code_point(high)) -%}
    {%- endfor -%}
    {{ return('[' ~ parts | join('') ~ ']') }}
{% endmacro %}
