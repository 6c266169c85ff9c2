{%- set cfg = identity_resolution.idr_config() -%}
{#- The graph's health, one row per metric (and breakdown) per build: append-only, kept through
    --full-refresh (idr_reset_profile_ids starts it over). Read from the state tables and marts,
    never from the raw tables: one scan of each. Counts "in run" are of what arrived since the
    previous row of this table (a build that stopped before this model is caught up with). -#}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set batch = identity_resolution.idr_batch_at() -%}
{%- set value_type = dbt.type_numeric() -%}
{%- set limited_types = cfg['types'] | selectattr('limit') | list -%}
{#- the identifier types each source has a slot of: blocked / invalid values are counted by both -#}
{%- set slot_types = cfg['event_slots'] | map(attribute='type') | unique | list -%}
{%- set sources_by_type = {} -%}
{%- for input in cfg['inputs'] -%}
    {%- for slot in input['slots'] -%}
        {%- set names = sources_by_type.setdefault(slot['type'], []) -%}
        {%- if input['name'] not in names -%}
            {%- do names.append(input['name']) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}

{#- A run after which no input has a newer batch than this table's last rows (nothing arrived,
    nothing changed): those rows again, with this run's id and time and the counts "in run" 0, which
    is what the formulas below would compute, without reading every table again. -#}
{%- set in_run_metrics = ['events_in_run', 'deliveries_in_run', 'identifiers_new', 'nodes_re_resolved',
    'components_re_resolved', 'component_rounds', 'limit_rounds'] -%}
{%- set is_unchanged = false -%}
{%- if identity_resolution.idr_is_incremental() -%}
    {%- set newest_input = identity_resolution.idr_newest_input_batch([
        ref('int_idr__events'), ref('int_idr__deliveries'), ref('int_idr__nodes'), ref('int_idr__node_profiles'),
        ref('int_idr__node_components'), ref('idr_profiles'), ref('idr_edges')]) -%}
    {%- set own = identity_resolution.idr_batch_range(this)['newest_text'] -%}
    {%- set is_unchanged = newest_input is not none and own is not none and newest_input <= own -%}
{%- endif -%}
with
{%- if is_unchanged %}

metrics as (

    select
        metric,
        source_name,
        identifier_type,
        category,
        profile_size,
        case when metric in ('{{ in_run_metrics | join("', '") }}') then cast(0 as {{ value_type }})
            else metric_value end as metric_value
    from {{ this }}
    where _batch_at = {{ watermark }}

),
{%- else %}

events as (

    select * from {{ ref('int_idr__events') }}

),

deliveries as (

    select * from {{ ref('int_idr__deliveries') }}

),

nodes as (

    select * from {{ ref('int_idr__nodes') }}

),

node_profiles as (

    select * from {{ ref('int_idr__node_profiles') }}

),

node_components as (

    select * from {{ ref('int_idr__node_components') }}

),

profiles as (

    select * from {{ ref('idr_profiles') }}

),

edges as (

    select * from {{ ref('idr_edges') }}

),

event_groups as (

    {# events by source and outcome: resolved, or why not #}
    select
        source_name,
        coalesce(unresolved_reason, 'resolved') as category,
        count(*) as event_count,
        sum(case when first_processed_at > {{ watermark }} then 1 else 0 end) as new_event_count,
        {%- for t in slot_types %}
        {%- for status in ['blocked', 'invalid'] %}
        sum({{ identity_resolution.idr_slot_mask_count(cfg, status ~ '_slot_mask', t) }})
            as {{ status }}__{{ cfg['types_by_name'][t]['column_name'] }},
        {%- endfor %}
        {%- endfor %}
        sum(conflicting_delivery_count) as conflicting_delivery_count
    from events
    group by source_name, coalesce(unresolved_reason, 'resolved')

),

delivery_groups as (

    {# delivered rows by source: quarantined ones by reason (conflicting duplicates: see events) #}
    select
        source_name,
        quarantine_reason,
        count(*) as row_count,
        sum(case when _batch_at > {{ watermark }} then 1 else 0 end) as new_row_count
    from deliveries
    group by source_name, quarantine_reason

),

new_identifiers as (

    {# identifiers mapped to a profile for the first time (or again, after they were removed) #}
    select node_id
    from node_profiles
    where _batch_at > {{ watermark }}
        and change_type = 'mapped'

),

identifier_groups as (

    select
        nodes.identifier_type,
        count(*) as identifier_count,
        sum(case when new_identifiers.node_id is not null then 1 else 0 end) as new_identifier_count
    from nodes
    left join new_identifiers
        on nodes.node_id = new_identifiers.node_id
    group by nodes.identifier_type

),

profile_summary as (

    select
        count(*) as profile_count,
        sum(case when identifier_count = 1 then 1 else 0 end) as singleton_count,
        {%- for measure in ['identifier_count', 'event_count'] %}
        {%- for p in [50, 90, 99] %}
        {{ identity_resolution.idr_percentile(measure, p / 100) }} as {{ measure }}_p{{ p }},
        {%- endfor %}
        max({{ measure }}) as {{ measure }}_max
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from profiles

),

profile_sizes as (

    {# how many profiles hold n identifiers, n events, n identifiers of each type (n >= 1) #}
    select 'profiles_by_identifier_count' as metric, cast(null as {{ dbt.type_string() }}) as identifier_type,
        identifier_count as profile_size, count(*) as profile_count
    from profiles
    group by identifier_count

    union all

    select 'profiles_by_event_count' as metric, cast(null as {{ dbt.type_string() }}) as identifier_type,
        event_count as profile_size, count(*) as profile_count
    from profiles
    group by event_count
    {%- for t in cfg['types'] %}

    union all

    select 'profiles_by_type_count' as metric, '{{ t["name"] }}' as identifier_type,
        {{ t['column_name'] }}_count as profile_size, count(*) as profile_count
    from profiles
    where {{ t['column_name'] }}_count > 0
    group by {{ t['column_name'] }}_count
    {%- endfor %}

),

judged_edges as (

    select
        status,
        {#- the limit named first in the edge's rejection reason (idr_edges) -#}
        {%- if limited_types | length > 0 %}
        case
            {%- for t in limited_types %}
            {%- set prefix = t['name'] ~ ' limit ' %}
            when substr(rejection_reason, 1, {{ prefix | length }}) = '{{ prefix }}' then '{{ t["name"] }}'
            {%- endfor %}
        end as limit_type
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as limit_type
        {%- endif %}
    from edges

),

edge_groups as (

    select status, limit_type, count(*) as edge_count
    from judged_edges
    group by status, limit_type

),

resolution_runs as (

    {# what each run since the previous row re-resolved (every row of its region is rewritten) #}
    select
        _batch_at,
        count(*) as node_count,
        count(distinct cc_id) as component_count,
        max(component_rounds) as component_rounds,
        max(limit_rounds) as limit_rounds
    from node_components
    where _batch_at > {{ watermark }}
    group by _batch_at

),

resolution_summary as (

    select
        coalesce(sum(node_count), 0) as node_count,
        coalesce(sum(component_count), 0) as component_count,
        coalesce(sum(component_rounds), 0) as component_rounds,
        coalesce(sum(limit_rounds), 0) as limit_rounds
    from resolution_runs

),

metrics as (

    {#- (metric, source_name, identifier_type, category, profile_size, metric_value): a metric either has one
        row (no breakdown) or is broken down, never both, so its rows add up to its total -#}
    {%- set no_text = 'cast(null as ' ~ dbt.type_string() ~ ')' %}
    {%- set no_size = 'cast(null as ' ~ dbt.type_bigint() ~ ')' %}
    {%- for column, metric in [('event_count', 'events'), ('new_event_count', 'events_in_run')] %}
    select '{{ metric }}' as metric, source_name, {{ no_text }} as identifier_type, category,
        {{ no_size }} as profile_size, cast({{ column }} as {{ value_type }}) as metric_value
    from event_groups
    union all
    {%- endfor %}
    {#- by source and by identifier type: a row per source and type it has a slot of #}
    {%- for status in ['blocked', 'invalid'] %}
    {%- for t in slot_types %}

    select '{{ status }}_values' as metric, source_name, '{{ t }}' as identifier_type,
        {{ no_text }} as category, {{ no_size }} as profile_size,
        cast(sum({{ status }}__{{ cfg['types_by_name'][t]['column_name'] }}) as {{ value_type }}) as metric_value
    from event_groups
    where source_name in (
        {%- for name in sources_by_type[t] %}
        '{{ name }}'{{ ',' if not loop.last }}
        {%- endfor %}
    )
    group by source_name
    union all
    {%- endfor %}
    {%- endfor %}

    select 'deliveries_in_run' as metric, source_name, {{ no_text }} as identifier_type,
        {{ no_text }} as category, {{ no_size }} as profile_size,
        cast(sum(new_row_count) as {{ value_type }}) as metric_value
    from delivery_groups
    group by source_name
    union all

    select 'quarantined_rows' as metric, source_name, {{ no_text }} as identifier_type,
        quarantine_reason as category, {{ no_size }} as profile_size,
        cast(row_count as {{ value_type }}) as metric_value
    from delivery_groups
    where quarantine_reason is not null
    union all

    select 'quarantined_rows' as metric, source_name, {{ no_text }} as identifier_type,
        'conflicting_duplicate' as category, {{ no_size }} as profile_size,
        cast(sum(conflicting_delivery_count) as {{ value_type }}) as metric_value
    from event_groups
    group by source_name
    having sum(conflicting_delivery_count) > 0
    union all

    select 'identifiers' as metric, {{ no_text }} as source_name, identifier_type,
        {{ no_text }} as category, {{ no_size }} as profile_size,
        cast(identifier_count as {{ value_type }}) as metric_value
    from identifier_groups
    union all

    select 'identifiers_new' as metric, {{ no_text }} as source_name, identifier_type,
        {{ no_text }} as category, {{ no_size }} as profile_size,
        cast(new_identifier_count as {{ value_type }}) as metric_value
    from identifier_groups
    union all

    select metric, {{ no_text }} as source_name, identifier_type,
        {{ no_text }} as category, profile_size,
        cast(profile_count as {{ value_type }}) as metric_value
    from profile_sizes
    union all

    select 'edges' as metric, {{ no_text }} as source_name, limit_type as identifier_type,
        status as category, {{ no_size }} as profile_size,
        cast(edge_count as {{ value_type }}) as metric_value
    from edge_groups
    {%- set scalars = [
        ('profiles', 'profile_summary', 'profile_count'),
        ('singleton_profiles', 'profile_summary', 'singleton_count')] %}
    {%- for measure, name in [('identifier_count', 'identifiers'), ('event_count', 'events')] %}
    {%- for p in ['p50', 'p90', 'p99', 'max'] %}
    {%- do scalars.append(('profile_' ~ name ~ '_' ~ p, 'profile_summary', measure ~ '_' ~ p)) %}
    {%- endfor %}
    {%- endfor %}
    {%- for name in ['node_count', 'component_count', 'component_rounds', 'limit_rounds'] %}
    {%- do scalars.append((
        {'node_count': 'nodes_re_resolved', 'component_count': 'components_re_resolved'}.get(name, name),
        'resolution_summary', name)) %}
    {%- endfor %}
    {%- for metric, relation, column in scalars %}
    union all

    select '{{ metric }}' as metric, {{ no_text }} as source_name,
        {{ no_text }} as identifier_type, {{ no_text }} as category, {{ no_size }} as profile_size,
        cast({{ column }} as {{ value_type }}) as metric_value
    from {{ relation }}
    {%- endfor %}

),
{%- endif %}

final as (

    select
        '{{ invocation_id }}' as run_id,
        {{ batch }} as run_at,
        metric,
        source_name,
        identifier_type,
        category,
        profile_size,
        metric_value,
        {{ batch }} as _batch_at
    from metrics

)

select * from final
