{#-
    True when a (trimmed, non-null) identifier value is blocked for its type: equal to one of the
    type's blocked_values ignoring case, or fully matching one of its blocked_patterns.
    Blocked values never become identifiers; the event that carried them is still counted.
-#}
{% macro idr_is_blocked_identifier(trimmed_expr, identifier_type) -%}
    {%- set conditions = [] -%}
    {%- if identifier_type['blocked_values'] | length > 0 -%}
        {%- set literals = [] -%}
        {%- for value in identifier_type['blocked_values'] -%}
            {%- do literals.append(identity_resolution.idr_string_literal(value | trim | lower)) -%}
        {%- endfor -%}
        {%- do conditions.append('lower(' ~ trimmed_expr ~ ') in (' ~ literals | unique | join(', ') ~ ')') -%}
    {%- endif -%}
    {%- for pattern in identifier_type['blocked_patterns'] -%}
        {%- do conditions.append(identity_resolution.idr_regexp_full_match(trimmed_expr, pattern)) -%}
    {%- endfor -%}
    {%- if conditions | length == 0 -%}
        (1 = 0)
    {%- else -%}
        ({{ conditions | join(' or ') }})
    {%- endif -%}
{%- endmacro %}
