{#-
    Every identifier type some enabled source can produce: the Segment slots (when any Segment
    table is enabled) and the types declared by each entry of `idr_sources`.
-#}
{% macro idr_identifier_types_in_use() %}
    {%- set types = [] -%}
    {%- for table in identity_resolution.idr_segment_tables() if table['enabled'] -%}
        {%- for slot in identity_resolution.idr_segment_identifier_slots(table['table']) -%}
            {%- if slot['type'] not in types -%}
                {%- do types.append(slot['type']) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for source in identity_resolution.idr_sources() -%}
        {%- for slot in source['slots'] -%}
            {%- if slot['type'] not in types -%}
                {%- do types.append(slot['type']) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(types) }}
{% endmacro %}
