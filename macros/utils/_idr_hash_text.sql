{#- The text a string hash reads for `exprs`: the salt and each value cast to `text_type`, joined with
    unit separators (chr(31)), a null marked as chr(2), so that ('a', 'bc') and ('ab', 'c') differ.
    `separator` is the SQL between two parts: the default concatenates with ||; ', chr(31), ' gives
    the arguments of one concat() call. -#}
{% macro _idr_hash_text(exprs, salt, text_type, separator=' || chr(31) || ') -%}
    {%- set parts = [identity_resolution.idr_string_literal(salt)] -%}
    {%- for expr in exprs -%}
        {%- do parts.append("coalesce(cast(" ~ expr ~ " as " ~ text_type ~ "), chr(2))") -%}
    {%- endfor -%}
    {{- parts | join(separator) -}}
{%- endmacro %}
