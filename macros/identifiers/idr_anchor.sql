{#-
    The anchor of an event row (its highest-priority identifier): {'type': SQL, 'value': SQL} over
    `values` (idr_slot_values): the most trusted type present, then its smallest value in byte order.
-#}
{% macro idr_anchor(cfg, values) %}
    {%- set types = [] -%}
    {%- set columns_by_type = {} -%}
    {%- for slot in cfg['event_slots'] -%}
        {%- if slot['type'] not in types -%}
            {%- do types.append(slot['type']) -%}
            {%- do columns_by_type.update({slot['type']: []}) -%}
        {%- endif -%}
        {%- do columns_by_type[slot['type']].append(values[slot['column']]) -%}
    {%- endfor -%}
    {%- set type_cases = [] -%}
    {%- set value_cases = [] -%}
    {%- for type_name in types -%}
        {%- set present = 'coalesce(' ~ columns_by_type[type_name] | join(', ') ~ ', null) is not null' -%}
        {%- do type_cases.append('when ' ~ present ~ " then '" ~ type_name ~ "'") -%}
        {%- do value_cases.append('when ' ~ present ~ ' then ' ~ identity_resolution.idr_least_binary(columns_by_type[type_name])) -%}
    {%- endfor -%}
    {{ return({'type': 'case ' ~ type_cases | join(' ') ~ ' end', 'value': 'case ' ~ value_cases | join(' ') ~ ' end'}) }}
{% endmacro %}
