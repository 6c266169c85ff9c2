{#-
    The normalised value of an identifier, or null when it is missing, blocked or normalises to ''.

    trimmed_expr     the raw value cast to a string and trimmed (see idr_stage_slot_values)
    identifier_type  one entry of idr_identifier_types(): its normalizer, blocked_values, blocked_patterns
-#}
{% macro idr_normalize_identifier(trimmed_expr, identifier_type) -%}
    {%- set normalized = identity_resolution._idr_normalized_value(trimmed_expr, identifier_type['normalizer']) -%}
    case
        when {{ identity_resolution.idr_is_blocked_identifier(trimmed_expr, identifier_type) }} then null
        when {{ normalized }} = '' then null
        else {{ normalized }}
    end
{%- endmacro %}


{#- The value as the type's normalizer writes it (email: lower + trim; phone: '+' and digits; ...). -#}
{% macro _idr_normalized_value(trimmed_expr, normalizer) -%}
    {%- if normalizer in ('email', 'lower') -%}
        lower({{ trimmed_expr }})
    {%- elif normalizer == 'phone' -%}
        {{ dbt.concat([
            "case when " ~ trimmed_expr ~ " like '+%' then '+' else '' end",
            identity_resolution.idr_regexp_replace_all(trimmed_expr, '[^0-9]', ''),
        ]) }}
    {%- else -%}
        {{ trimmed_expr }}
    {%- endif -%}
{%- endmacro %}
