{#- The smallest of `expressions` in byte order, ignoring nulls (null when all are null). -#}
{% macro idr_least_binary(expressions) -%}
    {%- if expressions | length == 1 -%}
        {{ expressions[0] }}
    {%- else -%}
        {%- set rest = identity_resolution.idr_least_binary(expressions[1:]) -%}
        case
            when {{ expressions[0] }} is null then {{ rest }}
            when ({{ rest }}) is null then {{ expressions[0] }}
            when {{ identity_resolution.idr_binary_order(expressions[0]) }} <= {{ identity_resolution.idr_binary_order('(' ~ rest ~ ')') }}
                then {{ expressions[0] }}
            else {{ rest }}
        end
    {%- endif -%}
{%- endmacro %}
