{#-
    A case expression mapping an identifier type name (`type_expr`) to one attribute of its entry in
    idr_identifier_types() ('rank', 'name_ordinal', ...), or `else_value` for unknown types.
-#}
{% macro idr_type_case(type_expr, attribute, else_value='null') -%}
    case {{ type_expr }}
        {%- for t in identity_resolution.idr_identifier_types() %}
        when '{{ t["name"] }}' then {{ t[attribute] }}
        {%- endfor %}
        else {{ else_value }}
    end
{%- endmacro %}


{#- A case expression mapping a priority rank (`rank_expr`) to an attribute of that type. -#}
{% macro idr_rank_case(rank_expr, attribute, else_value='null') -%}
    case {{ rank_expr }}
        {%- for t in identity_resolution.idr_identifier_types() %}
        when {{ t['rank'] }} then {{ t[attribute] if t[attribute] is number else "'" ~ t[attribute] ~ "'" }}
        {%- endfor %}
        else {{ else_value }}
    end
{%- endmacro %}
