{#- How many of the slots of identifier type `type_name` have their bit set in `mask` (a bigint
    column written by staging: bit i stands for cfg['event_slots'][i]), as an integer expression.
    0 when the build has no slot of that type. -#}
{% macro idr_slot_mask_count(cfg, mask, type_name) %}
    {%- set tests = [] -%}
    {#- not `for ... if`: loop.index0 must count every slot -#}
    {%- for slot in cfg['event_slots'] -%}
        {%- if slot['type'] == type_name -%}
            {%- do tests.append('case when ' ~ identity_resolution.idr_bit_is_set(mask, loop.index0)
                ~ ' then 1 else 0 end') -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(tests | join(' + ') if tests else '0') -}}
{% endmacro %}

{#- true when bit `bit` (0 = the lowest) of the integer expression `mask` is set -#}
{% macro idr_bit_is_set(mask, bit) %}
    {{- return(adapter.dispatch('idr_bit_is_set', 'identity_resolution')(mask, bit)) -}}
{% endmacro %}

{#- DuckDB, PostgreSQL and Spark: `&` is bitwise and on integers. -#}
{% macro default__idr_bit_is_set(mask, bit) -%}
    ({{ mask }} & {{ 2 ** bit }}) <> 0
{%- endmacro %}

{#- Snowflake has no `&` operator: bitand(). -#}
{% macro snowflake__idr_bit_is_set(mask, bit) -%}
    bitand({{ mask }}, {{ 2 ** bit }}) <> 0
{%- endmacro %}
