{#- one row per (event, distinct identifier), read straight off int_idr__events -#}
{%- set slots = [] -%}
{%- set event_slots = identity_resolution.idr_event_slots() -%}
{%- for slot in event_slots -%}
    {%- set same_type_before = [] -%}
    {%- for earlier in event_slots[:loop.index0] if earlier['type'] == slot['type'] -%}
        {%- do same_type_before.append(earlier['column'] ~ ' = ' ~ slot['column']) -%}
    {%- endfor -%}
    {%- if same_type_before | length > 0 -%}
        {%- do slots.append({'label': slot['type'],
            'expr': 'case when ' ~ same_type_before | join(' or ') ~ ' then null else ' ~ slot['column'] ~ ' end'}) -%}
    {%- else -%}
        {%- do slots.append({'label': slot['type'], 'expr': slot['column']}) -%}
    {%- endif -%}
{%- endfor -%}

with unpivoted as (

    {{ identity_resolution.idr_unpivot(
        ref('int_idr__events'),
        ['source_name', 'event_id', 'occurred_at', 'anchor_type', 'anchor_value'],
        slots,
        'identifier_type',
        'identifier_value') | indent(4) }}

),

final as (

    select
        source_name,
        event_id,
        occurred_at,
        anchor_type,
        anchor_value,
        identifier_type,
        identifier_value
    from unpivoted

)

select * from final
