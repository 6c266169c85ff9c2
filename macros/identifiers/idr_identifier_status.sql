{#-
    Why a present identifier value is not used: 'blocked' (a blocked value or pattern), 'invalid'
    (empty or implausible for its type), or null when it is used or missing. The same rules as
    idr_identifier_value, in the same order.
-#}
{% macro idr_identifier_status(cleaned, identifier_type) -%}
    {%- set normalized = identity_resolution._idr_normalized_value(cleaned, identifier_type['normalizer']) -%}
    case
        when {{ cleaned }} is null then null
        when {{ identity_resolution._idr_blocked_condition(cleaned, normalized, identifier_type) }} then 'blocked'
        when {{ identity_resolution._idr_invalid_condition(cleaned, normalized, identifier_type['normalizer']) }} then 'invalid'
    end
{%- endmacro %}
