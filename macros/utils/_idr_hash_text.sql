{#- The text a string hash reads for `exprs`: the salt and each value cast to `text_type`, joined with
    unit separators (chr(31)), a null marked as chr(2), so that ('a', 'bc') and ('ab', 'c') differ. -#}
{% macro _idr_hash_text(exprs, salt, text_type) -%}
    {%- set parts = [identity_resolution.idr_string_literal(salt)] -%}
    {%- for expr in exprs -%}
        {%- do parts.append("coalesce(cast(" ~ expr ~ " as " ~ text_type ~ "), chr(2))") -%}
    {%- endfor -%}
    {{- parts | join(" || chr(31) || ") -}}
{%- endmacro %}
