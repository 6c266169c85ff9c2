{#-
    Fail when a column of idr_segment_identifiers exists in none of the enabled Segment tables: a
    misspelt column would otherwise read as nulls and its identifier type would silently vanish.
    (A column missing from only some tables is normal: tracks have no `email` column.) The package's
    default mapping is not checked: it names columns many Segment sources never get (phone). Runs
    only when executing.
-#}
{% macro idr_check_segment_columns(cfg) %}
    {%- if not execute or var('idr_segment_identifiers') == identity_resolution._idr_default_segment_identifiers() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set inputs = cfg['inputs'] | selectattr('kind', 'equalto', 'segment') | list -%}
    {%- set present = [] -%}
    {%- for input in inputs -%}
        {%- set columns = identity_resolution.idr_relation_columns(identity_resolution.idr_input_relation(input),
            identity_resolution._idr_missing_input_message(input)) -%}
        {%- do present.extend(columns.keys() | list) -%}
    {%- endfor -%}
    {%- set checked = [] -%}
    {%- for input in inputs -%}
        {%- for slot in input['slots'] if slot['kind'] == 'column' and slot['column'] not in checked -%}
            {%- do checked.append(slot['column']) -%}
            {%- if slot['column'] not in present -%}
                {{ exceptions.raise_compiler_error(
                    "identity_resolution: idr_segment_identifiers." ~ slot['type'] ~ " names column '" ~ slot['column']
                    ~ "', which none of the enabled Segment tables (" ~ inputs | map(attribute='table') | join(', ')
                    ~ ") has. Fix the name, or remove it from idr_segment_identifiers.") }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{% endmacro %}


{#- The default of idr_segment_identifiers, as dbt_project.yml sets it (a test checks they agree). -#}
{% macro _idr_default_segment_identifiers() %}
    {{ return({'user_id': ['user_id'], 'anonymous_id': ['anonymous_id'], 'email': ['email', 'context_traits_email'],
               'phone': ['phone', 'context_traits_phone']}) }}
{% endmacro %}
