{#-
    The identifier value as stored: `cleaned` normalised by the type's normalizer, or null when it
    is missing, blocked or invalid (the rules are in _idr_identifier_rules.sql).

    cleaned          a string expression as idr_clean_text returns it
    identifier_type  one entry of idr_config()['types']
    status           optional: a column holding idr_identifier_status of the same value, computed
                     once before; the value is then read from it instead of testing the rules again
-#}
{% macro idr_identifier_value(cleaned, identifier_type, status=none) -%}
    {%- set normalized = identity_resolution._idr_normalized_value(cleaned, identifier_type['normalizer']) -%}
    {%- if status is not none -%}
    case when {{ cleaned }} is not null and {{ status }} is null then {{ normalized }} end
    {%- else -%}
    case
        when {{ cleaned }} is null then null
        when {{ identity_resolution._idr_blocked_condition(cleaned, normalized, identifier_type) }} then null
        when {{ identity_resolution._idr_invalid_condition(cleaned, normalized, identifier_type['normalizer']) }} then null
        else {{ normalized }}
    end
    {%- endif -%}
{%- endmacro %}
