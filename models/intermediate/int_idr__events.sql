{%- set inputs = identity_resolution.idr_inputs() -%}
{%- set slots = identity_resolution.idr_event_slots() -%}
{%- if inputs | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "identity_resolution has no input: every Segment table is disabled and idr_sources is empty") }}
{%- endif -%}
{%- set value_columns = slots | map(attribute='column') | list -%}
{%- for trait in identity_resolution.idr_traits() -%}
    {%- do value_columns.append('trait__' ~ trait) -%}
{%- endfor -%}
{#- the slot columns of each type, most trusted type first -#}
{%- set types = [] -%}
{%- set columns_by_type = {} -%}
{%- for slot in slots -%}
    {%- if slot['type'] not in types -%}
        {%- do types.append(slot['type']) -%}
        {%- do columns_by_type.update({slot['type']: []}) -%}
    {%- endif -%}
    {%- do columns_by_type[slot['type']].append(slot['column']) -%}
{%- endfor -%}

with unioned as (
    {%- for input in inputs %}
    {%- set columns_of_input = {} %}
    {%- for slot in input['slots'] %}
        {%- do columns_of_input.update({slot['column']: slot['slot']}) %}
    {%- endfor %}
    {%- for trait in input['traits'] %}
        {%- do columns_of_input.update({'trait__' ~ trait: 'trait__' ~ trait}) %}
    {%- endfor %}

    select
        {{ input['source_name_sql'] }} as source_name,
        event_id,
        occurred_at,
        event_type,
        event_name,
        blocked_identifier_count,
        {%- for column in value_columns %}
        {{ columns_of_input.get(column, 'cast(null as ' ~ dbt.type_string() ~ ')') }} as {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref(input['model']) }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

deduplicated as (

    {{ identity_resolution.idr_collapse_deliveries('unioned', value_columns) | indent(4) }}

),

anchored as (

    select
        *,
        {#- the anchor: the most trusted type present, its smallest value in byte order -#}
        case
            {%- for type_name in types %}
            when coalesce({{ columns_by_type[type_name] | join(', ') }}) is not null
                then '{{ type_name }}'
            {%- endfor %}
        end as anchor_type,
        case
            {%- for type_name in types %}
            when coalesce({{ columns_by_type[type_name] | join(', ') }}) is not null
                then {{ identity_resolution.idr_least_binary(columns_by_type[type_name]) | indent(16) }}
            {%- endfor %}
        end as anchor_value,
        {#- distinct identifiers: a slot counts unless an earlier slot of its type holds the same value #}
        0
        {%- for slot in slots %}
        + case when {{ slot['column'] }} is not null
            {%- for earlier in slots[:loop.index0] if earlier['type'] == slot['type'] %}
            and ({{ earlier['column'] }} is null or {{ earlier['column'] }} <> {{ slot['column'] }})
            {%- endfor %} then 1 else 0 end
        {%- endfor %} as identifier_count
    from deduplicated

),

final as (

    select
        source_name,
        event_id,
        occurred_at,
        event_type,
        event_name,
        delivery_count,
        identifier_count,
        blocked_identifier_count,
        anchor_type,
        anchor_value,
        case
            when anchor_value is not null then null
            when blocked_identifier_count > 0 then 'all_identifiers_blocked'
            else 'no_identifiers'
        end as unresolved_reason,
        {%- for column in value_columns %}
        {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from anchored

)

select * from final
