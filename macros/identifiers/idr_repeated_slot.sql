{#-
    True when an earlier identifier column of the same type holds the same value as slot number
    `index` of cfg['event_slots'] (so the value counts once per event). `values` maps each column
    to its SQL (see idr_slot_values).
-#}
{% macro idr_repeated_slot(cfg, values, index) %}
    {%- set slot = cfg['event_slots'][index] -%}
    {%- set earlier = [] -%}
    {%- for other in cfg['event_slots'][:index] if other['type'] == slot['type'] -%}
        {%- do earlier.append('coalesce((' ~ values[other['column']] ~ ') = (' ~ values[slot['column']] ~ '), false)') -%}
    {%- endfor -%}
    {{ return('(' ~ (earlier | join(' or ') if earlier | length > 0 else '1 = 0') ~ ')') }}
{% endmacro %}
