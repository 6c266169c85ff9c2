{#- a view: one row per build, the headline numbers of idr_graph_health_metrics side by side (the
    breakdowns added up), for KPI tiles and trend lines. A view, not a second history: it can never
    disagree with the metrics, and a column added by a later version of the package is filled for
    old runs too, wherever their metrics hold it. -#}
{%- set bigint = dbt.type_bigint() -%}
{#- (column, metric, extra condition): counts, the metric's rows added up -#}
{%- set counts = [
    ('events', 'events', none),
    ('events_in_run', 'events_in_run', none),
    ('events_resolved', 'events', "category = 'resolved'"),
    ('events_unresolved', 'events', "category <> 'resolved'"),
    ('events_resolved_in_run', 'events_in_run', "category = 'resolved'"),
    ('deliveries_in_run', 'deliveries_in_run', none),
    ('identifiers', 'identifiers', none),
    ('identifiers_new', 'identifiers_new', none),
    ('profiles', 'profiles', none),
    ('singleton_profiles', 'singleton_profiles', none),
    ('edges', 'edges', none),
    ('edges_accepted', 'edges', "category = 'accepted'"),
    ('edges_rejected', 'edges', "category = 'rejected'"),
    ('nodes_re_resolved', 'nodes_re_resolved', none),
    ('components_re_resolved', 'components_re_resolved', none),
    ('component_rounds', 'component_rounds', none),
    ('limit_rounds', 'limit_rounds', none),
    ('blocked_values', 'blocked_values', none),
    ('invalid_values', 'invalid_values', none),
    ('quarantined_rows', 'quarantined_rows', none),
] -%}
{#- profile size percentiles: fractional values kept as they are -#}
{%- set sizes = [] -%}
{%- for name in ['identifiers', 'events'] -%}
    {%- for p in ['p50', 'p90', 'p99', 'max'] -%}
        {%- do sizes.append('profile_' ~ name ~ '_' ~ p) -%}
    {%- endfor -%}
{%- endfor -%}

with metrics as (

    select * from {{ ref('idr_graph_health_metrics') }}

),

runs as (

    select
        run_id,
        run_at,
        {%- for column, metric, condition in counts %}
        cast(coalesce(sum(case when metric = '{{ metric }}'{{ ' and ' ~ condition if condition }}
            then metric_value end), 0) as {{ bigint }}) as {{ column }},
        {%- endfor %}
        {%- for metric in sizes %}
        max(case when metric = '{{ metric }}' then metric_value end) as {{ metric }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from metrics
    group by run_id, run_at

),

final as (

    select
        run_id,
        run_at,
        {# every event was (re)processed: the first build, a --full-refresh or a reset #}
        events > 0 and events_in_run = events as is_rebuild,
        {%- for column, metric, condition in counts %}
        {{ column }},
        {%- endfor %}
        case when events > 0 then cast(events_resolved as {{ dbt.type_numeric() }}) / events end
            as resolved_event_share,
        {%- for metric in sizes %}
        {{ metric }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from runs

)

select * from final
