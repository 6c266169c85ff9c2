{#-
    Private helpers of idr_identifier_value / idr_identifier_status: the rules an identifier value
    goes through. `cleaned` is the value as idr_clean_text returns it (a string, ends stripped).
      1. normalise by the type's normalizer (email, lower: lower case; phone: a leading '+' and the
         digits; trim: as cleaned);
      2. blocked: the cleaned or the normalised value equals a blocked value ignoring case, or fully
         matches a blocked pattern;
      3. invalid: empty after normalising, or not plausible for the type (email: exactly one '@'
         with text on both sides; phone: no letters and 7 to 15 digits, E.164's maximum).
-#}

{% macro _idr_normalized_value(cleaned, normalizer) -%}
    {%- if normalizer in ('email', 'lower') -%}
        lower({{ cleaned }})
    {%- elif normalizer == 'phone' -%}
        {{ dbt.concat([
            "case when " ~ cleaned ~ " like '+%' then '+' else '' end",
            identity_resolution.idr_regexp_replace_all(cleaned, '[^0-9]', ''),
        ]) }}
    {%- else -%}
        {{ cleaned }}
    {%- endif -%}
{%- endmacro %}


{% macro _idr_blocked_condition(cleaned, normalized, identifier_type) -%}
    {%- set conditions = [] -%}
    {%- set literals = [] -%}
    {%- for value in identifier_type['blocked_values'] -%}
        {%- do literals.append(identity_resolution.idr_string_literal(value | trim | lower)) -%}
    {%- endfor -%}
    {%- if literals | length > 0 -%}
        {%- do conditions.append('lower(' ~ cleaned ~ ') in (' ~ literals | unique | join(', ') ~ ')') -%}
        {#- lower case normalisers: the normalised value in lower case is the cleaned one in lower case -#}
        {%- if normalized != cleaned and identifier_type['normalizer'] not in ('email', 'lower') -%}
            {%- do conditions.append('lower(' ~ normalized ~ ') in (' ~ literals | unique | join(', ') ~ ')') -%}
        {%- endif -%}
    {%- endif -%}
    {%- for pattern in identifier_type['blocked_patterns'] -%}
        {%- do conditions.append(identity_resolution.idr_regexp_full_match(cleaned, pattern)) -%}
        {%- if normalized != cleaned -%}
            {%- do conditions.append(identity_resolution.idr_regexp_full_match(normalized, pattern)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if conditions | length == 0 -%}
        (1 = 0)
    {%- else -%}
        ({{ conditions | join(' or ') }})
    {%- endif -%}
{%- endmacro %}


{% macro _idr_invalid_condition(cleaned, normalized, normalizer) -%}
    {%- if normalizer == 'email' -%}
        ({{ normalized }} not like '_%@_%' or {{ normalized }} like '%@%@%')
    {%- elif normalizer == 'phone' -%}
        ({{ identity_resolution.idr_regexp_contains(cleaned, '[A-Za-z]') }}
            or {{ dbt.length(identity_resolution.idr_regexp_replace_all(cleaned, '[^0-9]', '')) }} not between 7 and 15)
    {%- else -%}
        ({{ normalized }} = '')
    {%- endif -%}
{%- endmacro %}
