{%- set cfg = identity_resolution.idr_config() -%}
{{ config(unique_key=['identifier_type_a', 'identifier_value_a', 'identifier_type_b', 'identifier_value_b']) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{#- read on incremental runs (named here so that dbt sees the dependency while parsing) -#}
{%- set changes = ref('int_idr__occurrences') -%}
{%- set limited_types = cfg['types'] | selectattr('limit') | list -%}

with

{%- if incremental %}
changed as (

    {{ identity_resolution.idr_changed_profiles(watermark, ref('int_idr__node_profiles'), ref('int_idr__occurrences'),
        'select profile_id_a from ' ~ this ~ ' union select profile_id_b from ' ~ this) | indent(4) }}

),
{%- endif %}

{%- if incremental %}

changed_nodes as (

    select node_id
    from {{ ref('int_idr__node_profiles') }}
    where profile_id in (select profile_id from changed)

),

changed_edges as (

    {# the edges with an end in a changed profile: the only ones read below #}
    select *
    from {{ ref('int_idr__edges') }}
    where node_a in (select node_id from changed_nodes)
        or node_b in (select node_id from changed_nodes)

),

end_ids as (

    select node_a as node_id from changed_edges
    union
    select node_b from changed_edges

),
{%- endif %}

ends as (

    {# the identifiers at the ends of those edges (of every edge on a rebuild), with their profile #}
    select
        nodes.node_id,
        nodes.identifier_type,
        nodes.identifier_value,
        node_profiles.profile_id
    {%- if incremental %}
    {# end_ids is read once here: Spark inlines a CTE at every reference, so each extra read of a
        CTE repeats every CTE it reads in turn #}
    from {{ identity_resolution.idr_rows_where(ref('int_idr__nodes'), 'node_id in (select node_id from end_ids)') }}
        as nodes
    inner join {{ ref('int_idr__node_profiles') }} as node_profiles
        on nodes.node_id = node_profiles.node_id
    {%- else %}
    from {{ ref('int_idr__nodes') }} as nodes
    inner join {{ ref('int_idr__node_profiles') }} as node_profiles
        on nodes.node_id = node_profiles.node_id
    {%- endif %}
    where node_profiles.profile_id is not null

),

edges as (

    select
        end_a.identifier_type as identifier_type_a,
        end_a.identifier_value as identifier_value_a,
        end_b.identifier_type as identifier_type_b,
        end_b.identifier_value as identifier_value_b,
        end_a.profile_id as profile_id_a,
        end_b.profile_id as profile_id_b,
        edges.first_seen_at,
        edges.last_seen_at,
        edges.event_count
    from {{ 'changed_edges' if incremental else ref('int_idr__edges') }} as edges
    inner join ends as end_a
        on edges.node_a = end_a.node_id
    inner join ends as end_b
        on edges.node_b = end_b.node_id

),

{%- if limited_types | length > 0 %}

edge_profiles as (

    {# the profiles whose values a rejection reason names: on a rebuild, those at the two ends of a
        rejected edge (15k of the 794k profiles edges touch at 1M people); on an incremental run, every
        profile at an end of a changed edge (read from the ends, not from `edges`: Spark would
        compute `edges` twice) #}
    {%- if incremental %}
    select distinct profile_id from ends
    {%- else %}
    select profile_id_a as profile_id from edges where profile_id_a <> profile_id_b
    union
    select profile_id_b from edges where profile_id_a <> profile_id_b
    {%- endif %}

),

limited_values as (

    {# the values of each limited type in each profile an edge touches #}
    select
        node_profiles.profile_id,
        nodes.identifier_type,
        count(*) as value_count,
        {{ identity_resolution.idr_sorted_listagg('nodes.identifier_value', ', ') }} as value_list
    from {{ ref('int_idr__nodes') }} as nodes
    inner join {{ ref('int_idr__node_profiles') }} as node_profiles
        on nodes.node_id = node_profiles.node_id
    inner join edge_profiles
        on node_profiles.profile_id = edge_profiles.profile_id
    where nodes.identifier_type in ('{{ limited_types | map(attribute="name") | join("', '") }}')
    group by node_profiles.profile_id, nodes.identifier_type

),
{%- endif %}

judged as (

    select
        edges.*,
        case when edges.profile_id_a = edges.profile_id_b then 'accepted' else 'rejected' end as status,
        {%- if limited_types | length > 0 %}
        case when edges.profile_id_a <> edges.profile_id_b then coalesce(
            {%- for t in limited_types %}
            case
                when coalesce(values_a_{{ loop.index }}.value_count, 0)
                    + coalesce(values_b_{{ loop.index }}.value_count, 0) > {{ t['limit'] }}
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
    {%- for t in limited_types %}
    left join limited_values as values_a_{{ loop.index }}
        on edges.profile_id_a = values_a_{{ loop.index }}.profile_id
        and values_a_{{ loop.index }}.identifier_type = '{{ t["name"] }}'
    left join limited_values as values_b_{{ loop.index }}
        on edges.profile_id_b = values_b_{{ loop.index }}.profile_id
        and values_b_{{ loop.index }}.identifier_type = '{{ t["name"] }}'
    {%- endfor %}

),

final as (

    select
        judged.*,
        {%- if incremental %}
        false as _idr_deleted,
        {%- endif %}
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from judged
    {%- if incremental %}

    union all

    {# edges of those profiles that are gone #}
    select
        previous.identifier_type_a,
        previous.identifier_value_a,
        previous.identifier_type_b,
        previous.identifier_value_b,
        previous.profile_id_a,
        previous.profile_id_b,
        previous.first_seen_at,
        previous.last_seen_at,
        previous.event_count,
        previous.status,
        previous.rejection_reason,
        true as _idr_deleted,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from {{ identity_resolution.idr_rows_where(this, 'profile_id_a in (select profile_id from changed)'
        ~ ' or profile_id_b in (select profile_id from changed)') }} as previous
    left join judged
        on previous.identifier_type_a = judged.identifier_type_a
        and previous.identifier_value_a = judged.identifier_value_a
        and previous.identifier_type_b = judged.identifier_type_b
        and previous.identifier_value_b = judged.identifier_value_b
    where judged.identifier_type_a is null
    {%- endif %}

)

select * from final
