{#-
    The Segment tables this build reads, and the identifier slots read from each.

    idr_segment_tables() -> list of {table, enabled, relation_name, event_type}
    idr_segment_identifier_slots(table) -> list of {slot, type, column, kind}
      slot  the staging column holding the normalised value (unique within the table)
      kind  'column' (value of `column`), 'device' / 'advertising' (device ids typed by
            context_device_type), 'previous_id' (aliases' previous_id, opt-in)
-#}
{% macro idr_segment_tables() %}
    {%- set tables = [] -%}
    {%- for table, event_type in [('identifies', 'identify'), ('tracks', 'track'), ('pages', 'page'),
                                  ('screens', 'screen'), ('aliases', 'alias')] -%}
        {%- set enabled = var('idr_segment_' ~ table ~ '_enabled') -%}
        {%- if enabled is not boolean -%}
            {{ exceptions.raise_compiler_error(
                "idr_segment_" ~ table ~ "_enabled must be true or false, got: " ~ enabled) }}
        {%- endif -%}
        {%- do tables.append({
            'table': table,
            'enabled': enabled,
            'relation_name': var('idr_segment_' ~ table ~ '_table'),
            'event_type': event_type,
        }) -%}
    {%- endfor -%}
    {{ return(tables) }}
{% endmacro %}


{% macro idr_segment_identifier_slots(table) %}
    {%- set configured = var('idr_segment_identifiers') or {} -%}
    {%- if configured is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "idr_segment_identifiers must be a mapping of identifier type -> list of columns, got: " ~ configured) }}
    {%- endif -%}
    {%- set slots = [] -%}
    {%- set slot_names = [] -%}
    {%- for type_name, columns in configured.items() -%}
        {%- do identity_resolution._idr_check_type_name(type_name, 'idr_segment_identifiers') -%}
        {%- set columns = [columns] if columns is string else columns -%}
        {%- for column in identity_resolution._idr_string_list(columns, 'idr_segment_identifiers.' ~ type_name) -%}
            {%- set column = column | lower -%}
            {%- if not modules.re.match('^[a-z_][a-z0-9_]*$', column) -%}
                {{ exceptions.raise_compiler_error(
                    "idr_segment_identifiers." ~ type_name ~ ": '" ~ column ~ "' is not a plain column name") }}
            {%- endif -%}
            {%- if column in slot_names -%}
                {{ exceptions.raise_compiler_error(
                    "idr_segment_identifiers: column '" ~ column ~ "' is listed twice; a column holds one identifier type") }}
            {%- endif -%}
            {%- do slot_names.append(column) -%}
            {%- do slots.append({'slot': column, 'type': type_name, 'column': column, 'kind': 'column'}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if var('idr_segment_device_identifiers') -%}
        {%- for platform in ['ios', 'android'] -%}
            {%- do slots.append({'slot': platform ~ '_id', 'type': platform ~ '.id',
                                 'column': 'context_device_id', 'kind': 'device', 'platform': platform}) -%}
            {%- do slots.append({'slot': platform ~ '_idfa', 'type': platform ~ '.idfa',
                                 'column': 'context_device_advertising_id', 'kind': 'advertising', 'platform': platform}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if table == 'aliases' and var('idr_segment_alias_edges') -%}
        {#- previous_id is the id the user had before: a user_id or, by default in analytics.js, the anonymous id -#}
        {%- do slots.append({'slot': 'previous_id', 'type': 'anonymous_id', 'column': 'previous_id', 'kind': 'previous_id'}) -%}
    {%- endif -%}
    {{ return(slots) }}
{% endmacro %}
