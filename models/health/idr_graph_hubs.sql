{%- set cfg = identity_resolution.idr_config() -%}
{#- The profiles and identifiers most likely to be wrong, as the graph is now: the largest
    profiles, and the identifiers linked to the most others or to the most rejected edges (a
    shared device, a team mailbox, a junk value that slipped through the blocklist). The top
    idr_graph_hubs_top_n of each kind. -#}
{%- set top_n = var('idr_graph_hubs_top_n') -%}
{%- if top_n is not number or top_n is boolean or top_n < 1 or top_n != top_n | int -%}
    {{ exceptions.raise_compiler_error("identity_resolution: idr_graph_hubs_top_n must be a whole number >= 1, got "
        ~ top_n) }}
{%- endif -%}

{#- A run after which no input has a newer batch than the ranking stored (nothing changed), with
    every kind holding top_n rows (so it was cut at this top_n, or every candidate fits in it): the
    stored ranking again, which is what the query below would compute, without reading every table. -#}
{%- set hub_kinds = ['profile_most_identifiers', 'profile_most_events', 'identifier_most_links',
    'identifier_most_rejected_edges'] -%}
{%- set is_unchanged = false -%}
{%- if execute and not should_full_refresh() and identity_resolution.idr_table_readable_while_rebuilt()
    and load_relation(this) is not none -%}
    {%- set newest_input = identity_resolution.idr_newest_input_batch([ref('idr_profiles'), ref('int_idr__nodes'),
        ref('int_idr__node_profiles'), ref('int_idr__node_components'), ref('idr_edges')]) -%}
    {%- set stored = run_query(
        'select ' ~ identity_resolution.idr_timestamp_text('max(computed_at)') ~ ', count(distinct hub_kind), '
        ~ 'min(kind_rows), max(kind_rows) from (select hub_kind, max(computed_at) as computed_at, count(*) as kind_rows'
        ~ ' from ' ~ this ~ ' group by hub_kind) as kinds') -%}
    {%- set row = stored.rows[0] if stored is not none and stored.rows | length > 0 else none -%}
    {%- set is_unchanged = row is not none and newest_input is not none and row[0] is not none
        and newest_input <= row[0] and row[1] == hub_kinds | length and row[2] == top_n and row[3] == top_n -%}
{%- endif -%}
with
{%- if is_unchanged %}

ranked as (

    select
        hub_kind,
        hub_rank,
        profile_id,
        identifier_type,
        identifier_value,
        identifier_event_count,
        linked_identifier_count,
        rejected_edge_count,
        profile_identifier_count,
        profile_event_count,
        profile_rejected_edge_count
    from {{ this }}

),
{%- else %}

profiles as (

    select * from {{ ref('idr_profiles') }}

),

nodes as (

    select * from {{ ref('int_idr__nodes') }}

),

node_profiles as (

    select * from {{ ref('int_idr__node_profiles') }}
    where profile_id is not null

),

node_components as (

    select * from {{ ref('int_idr__node_components') }}

),

rejected_ends as (

    {# both ends of every rejected edge (few: rejections are the exception) #}
    select identifier_type_a as identifier_type, identifier_value_a as identifier_value, profile_id_a as profile_id
    from {{ ref('idr_edges') }}
    where status = 'rejected'

    union all

    select identifier_type_b, identifier_value_b, profile_id_b
    from {{ ref('idr_edges') }}
    where status = 'rejected'

),

rejected_by_identifier as (

    select
        {{ identity_resolution.idr_node_id(cfg, 'identifier_type', 'identifier_value') }} as node_id,
        identifier_type,
        identifier_value,
        count(*) as rejected_edge_count
    from rejected_ends
    group by identifier_type, identifier_value

),

rejected_by_profile as (

    select profile_id, count(*) as rejected_edge_count
    from rejected_ends
    group by profile_id

),

picked as (

    {# the top rows of each kind: (hub_kind, node_id shown, profile_id) #}
    {%- for kind, measure in [
        ('profile_most_identifiers', 'identifier_count'),
        ('profile_most_events', 'event_count')] %}
    select '{{ kind }}' as hub_kind, key_nodes.node_id, top_profiles.profile_id
    from (
        select profile_id
        from profiles
        order by {{ measure }} desc, {{ identity_resolution.idr_binary_order('profile_id') }} asc
        limit {{ top_n }}
    ) as top_profiles
    {# a profile is shown with the identifier it is named after #}
    left join node_profiles as key_nodes
        on top_profiles.profile_id = key_nodes.profile_id
        and key_nodes.is_profile_key

    union all
    {%- endfor %}

    select 'identifier_most_links' as hub_kind, top_linked.node_id, node_profiles.profile_id
    from (
        select node_id
        from node_components
        where edge_count > 0
        order by edge_count desc, node_id asc
        limit {{ top_n }}
    ) as top_linked
    inner join node_profiles
        on top_linked.node_id = node_profiles.node_id

    union all

    select 'identifier_most_rejected_edges' as hub_kind, top_rejected.node_id, node_profiles.profile_id
    from (
        select node_id
        from rejected_by_identifier
        order by rejected_edge_count desc, identifier_type asc,
            {{ identity_resolution.idr_binary_order('identifier_value') }} asc
        limit {{ top_n }}
    ) as top_rejected
    inner join node_profiles
        on top_rejected.node_id = node_profiles.node_id

),

described as (

    select
        picked.hub_kind,
        picked.profile_id,
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.event_count as identifier_event_count,
        coalesce(node_components.edge_count, 0) as linked_identifier_count,
        coalesce(rejected_by_identifier.rejected_edge_count, 0) as rejected_edge_count,
        profiles.identifier_count as profile_identifier_count,
        profiles.event_count as profile_event_count,
        coalesce(rejected_by_profile.rejected_edge_count, 0) as profile_rejected_edge_count
    from picked
    left join nodes
        on picked.node_id = nodes.node_id
    left join node_components
        on picked.node_id = node_components.node_id
    left join rejected_by_identifier
        on picked.node_id = rejected_by_identifier.node_id
    left join profiles
        on picked.profile_id = profiles.profile_id
    left join rejected_by_profile
        on picked.profile_id = rejected_by_profile.profile_id

),

ranked as (

    select
        hub_kind,
        row_number() over (
            partition by hub_kind
            order by
                case hub_kind
                    when 'profile_most_identifiers' then profile_identifier_count
                    when 'profile_most_events' then profile_event_count
                    when 'identifier_most_links' then linked_identifier_count
                    else rejected_edge_count
                end desc,
                {{ identity_resolution.idr_binary_order('profile_id') }},
                identifier_type,
                {{ identity_resolution.idr_binary_order('identifier_value') }}
        ) as hub_rank,
        profile_id,
        identifier_type,
        identifier_value,
        identifier_event_count,
        linked_identifier_count,
        rejected_edge_count,
        profile_identifier_count,
        profile_event_count,
        profile_rejected_edge_count
    from described

),
{%- endif %}

final as (

    select
        ranked.*,
        {{ identity_resolution.idr_batch_at() }} as computed_at
    from ranked

)

select * from final
