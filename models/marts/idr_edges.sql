{%- set limited_types = identity_resolution.idr_identifier_types() | selectattr('limit') | list -%}
with edges as (

    select * from {{ ref('int_idr__edges') }}

),

identifiers as (

    select * from {{ ref('int_idr__identifiers') }}

),

{%- if limited_types | length > 0 %}

limited_values as (

    select
        component_id,
        identifier_type,
        count(*) as value_count,
        {{ identity_resolution.idr_sorted_listagg('identifier_value', ', ') }} as value_list
    from identifiers
    where identifier_type in (
        {%- for t in limited_types %}'{{ t["name"] }}'{% if not loop.last %}, {% endif %}{% endfor -%}
    )
    group by component_id, identifier_type

),
{%- endif %}

joined as (

    select
        end_a.identifier_type as identifier_type_a,
        end_a.identifier_value as identifier_value_a,
        end_b.identifier_type as identifier_type_b,
        end_b.identifier_value as identifier_value_b,
        end_a.profile_id as profile_id_a,
        end_b.profile_id as profile_id_b,
        edges.first_seen_at,
        edges.last_seen_at,
        edges.event_count,
        case when end_a.component_id = end_b.component_id then 'accepted' else 'rejected' end as status,
        {%- if limited_types | length > 0 %}
        case when end_a.component_id <> end_b.component_id then coalesce(
            {%- for t in limited_types %}
            case
                when coalesce(values_a_{{ loop.index }}.value_count, 0) + coalesce(values_b_{{ loop.index }}.value_count, 0) > {{ t['limit'] }}
                    then {{ dbt.concat([
                        "'" ~ t['name'] ~ " limit " ~ t['limit'] ~ " exceeded: '",
                        "coalesce(values_a_" ~ loop.index ~ ".value_list, '(none)')",
                        "' vs '",
                        "coalesce(values_b_" ~ loop.index ~ ".value_list, '(none)')",
                    ]) }}
            end
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        ) end as rejection_reason
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as rejection_reason
        {%- endif %}
    from edges
    inner join identifiers as end_a
        on edges.node_a = end_a.node_id
    inner join identifiers as end_b
        on edges.node_b = end_b.node_id
    {%- for t in limited_types %}
    left join limited_values as values_a_{{ loop.index }}
        on end_a.component_id = values_a_{{ loop.index }}.component_id
        and values_a_{{ loop.index }}.identifier_type = '{{ t["name"] }}'
    left join limited_values as values_b_{{ loop.index }}
        on end_b.component_id = values_b_{{ loop.index }}.component_id
        and values_b_{{ loop.index }}.identifier_type = '{{ t["name"] }}'
    {%- endfor %}

),

final as (

    select * from joined

)

select * from final
