{#-
    The staging models the build reads, each with the identifier slots it carries, and the global
    slot columns of int_idr__events that hold them.

    idr_inputs() -> list of {model, source_name_sql, slots: [{slot, type, column}], traits}
      slot    the staging column; column: the int_idr__events column it lands in (<type>__<n>)
      traits  the trait names the staging model carries (as trait__<name> columns)
    idr_event_slots() -> list of {column, type, index}: every int_idr__events identifier column,
      most trusted type first; index counts the slots of one type from 1.
-#}
{% macro idr_inputs() %}
    {%- set types_by_name = {} -%}
    {%- for t in identity_resolution.idr_identifier_types() -%}
        {%- do types_by_name.update({t['name']: t}) -%}
    {%- endfor -%}
    {%- set inputs = [] -%}
    {%- for table in identity_resolution.idr_segment_tables() if table['enabled'] -%}
        {%- do inputs.append({
            'model': 'stg_idr__segment__' ~ table['table'],
            'source_name_sql': "'segment." ~ table['table'] ~ "'",
            'slots': identity_resolution.idr_segment_identifier_slots(table['table']),
            'traits': identity_resolution.idr_segment_traits() if table['table'] == 'identifies' else [],
        }) -%}
    {%- endfor -%}
    {%- if identity_resolution.idr_sources() | length > 0 -%}
        {%- do inputs.append({
            'model': 'stg_idr__extra_sources',
            'source_name_sql': 'source_name',
            'slots': identity_resolution.idr_extra_source_slots(),
            'traits': identity_resolution.idr_extra_source_traits(),
        }) -%}
    {%- endif -%}
    {%- for input in inputs -%}
        {%- set seen = {} -%}
        {%- for slot in input['slots'] -%}
            {%- set index = seen.get(slot['type'], 0) + 1 -%}
            {%- do seen.update({slot['type']: index}) -%}
            {%- do slot.update({'column': types_by_name[slot['type']]['column_name'] ~ '__' ~ index}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(inputs) }}
{% endmacro %}


{% macro idr_event_slots() %}
    {%- set counts = {} -%}
    {%- for input in identity_resolution.idr_inputs() -%}
        {%- for slot in input['slots'] -%}
            {%- set index = slot['column'].split('__')[-1] | int -%}
            {%- if index > counts.get(slot['type'], 0) -%}
                {%- do counts.update({slot['type']: index}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set slots = [] -%}
    {%- for t in identity_resolution.idr_identifier_types() if t['name'] in counts -%}
        {%- for index in range(1, counts[t['name']] + 1) -%}
            {%- do slots.append({'column': t['column_name'] ~ '__' ~ index, 'type': t['name'], 'index': index}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(slots) }}
{% endmacro %}
