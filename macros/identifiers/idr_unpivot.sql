{#-
    Long format of a wide relation in a single scan: one row per (input row, slot) whose value is
    not null, keeping `keep_columns`.

    relation      the relation (or a parenthesised select) to read
    keep_columns  list of column names carried to every output row
    slots         list of {label, expr}: a constant label and the SQL for the slot's value
    label_column, value_column  names of the two output columns
-#}
{% macro idr_unpivot(relation, keep_columns, slots, label_column, value_column) %}
    {{- return(adapter.dispatch('idr_unpivot', 'identity_resolution')(relation, keep_columns, slots, label_column, value_column)) -}}
{% endmacro %}

{#- Portable: cross join to a small slot list and pick the slot's value with a case. -#}
{% macro default__idr_unpivot(relation, keep_columns, slots, label_column, value_column) -%}
    select *
    from (
        select
            {%- for column in keep_columns %}
            wide.{{ column }},
            {%- endfor %}
            slots.slot_label as {{ label_column }},
            case slots.slot_index
                {%- for slot in slots %}
                when {{ loop.index }} then {{ slot['expr'] }}
                {%- endfor %}
            end as {{ value_column }}
        from {{ relation }} as wide
        cross join (
            {%- for slot in slots %}
            select {{ loop.index }} as slot_index, '{{ slot["label"] }}' as slot_label
            {%- if not loop.last %} union all{% endif %}
            {%- endfor %}
        ) as slots
    ) as unpivoted
    where {{ value_column }} is not null
{%- endmacro %}
