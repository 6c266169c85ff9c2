{%- set cfg = identity_resolution.idr_config() -%}
{#- Profiles Sync's profile_traits_updates: append-only, kept through --full-refresh (with the
    profile ids). A row, with every trait of the profile, each run that changes a profile's traits:
    new values from events, or traits combined by a merge (a row for the surviving profile only, as
    Segment writes). The first build writes every profile as it is now (a backfill). A trait value
    that is a suppressed identifier is blanked in every row. -#}
{{ config(
    enabled=var('idr_profiles_sync_enabled') == true,
    unique_key=['segment_id', '_batch_at'],
    full_refresh=false,
) }}
{%- set incremental = identity_resolution.idr_is_incremental() -%}
{%- set watermark = identity_resolution.idr_watermark() -%}
{%- set traits = cfg['traits'] -%}
{%- set own_columns = ['id', 'segment_id', 'timestamp', 'seq', 'uuid_ts', 'run_id', '_batch_at'] -%}
{%- for trait in traits if trait in own_columns -%}
    {{ exceptions.raise_compiler_error("identity_resolution: trait '" ~ trait ~ "' clashes with a column of the"
        ~ " Profiles Sync table profile_traits_updates (" ~ own_columns | join(', ') ~ "); rename the trait column") }}
{%- endfor -%}
{%- set suppressions = ref('int_idr__suppressions') -%}
{%- set any_suppressed = identity_resolution.idr_suppression_changes(suppressions, watermark)['any_active'] -%}

with profile_traits as (

    {# the profiles whose traits were recomputed since the last run #}
    select * from {{ ref('idr_profile_traits') }}
    {%- if incremental %}
    where _batch_at > {{ watermark }}
    {%- endif %}

),

{%- if incremental %}

latest as (

    select *
    from (
        select
            previous.*,
            row_number() over (partition by previous.segment_id order by previous._batch_at desc) as row_order
        from {{ this }} as previous
    ) as ranked
    where row_order = 1

),
{%- endif %}

changed as (

    select profile_traits.*
    from profile_traits
    {%- if incremental %}
    left join latest
        on profile_traits.profile_id = latest.segment_id
    where latest.segment_id is null
        {%- for trait in traits %}
        or coalesce(profile_traits.{{ trait }} <> latest.{{ trait }},
            not (profile_traits.{{ trait }} is null and latest.{{ trait }} is null))
        {%- endfor %}
    {%- endif %}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'profile_id', "'@'", identity_resolution.idr_timestamp_text(identity_resolution.idr_batch_at()),
        ])) }}
            as id,
        profile_id as segment_id,
        {%- for trait in traits %}
        {{ trait }},
        {%- endfor %}
        updated_at as timestamp,
        {{ identity_resolution.idr_timestamp_text(identity_resolution.idr_batch_at()) }} as seq,
        {{ identity_resolution.idr_batch_at() }} as uuid_ts,
        '{{ invocation_id }}' as run_id,
        {{ identity_resolution.idr_batch_at() }} as _batch_at
    from changed
    {%- if incremental and any_suppressed and traits | length > 0 %}

    union all

    {# earlier rows holding a trait value that is a suppressed identifier: the same rows, blanked #}
    {%- set blanked = {} %}
    {%- for trait in traits %}
        {%- set conditions = [] %}
        {%- for t in cfg['types'] %}
            {%- do conditions.append(identity_resolution.idr_node_id(cfg, "'" ~ t['name'] ~ "'",
                identity_resolution.idr_identifier_value('previous.' ~ trait, t))) %}
        {%- endfor %}
        {%- do blanked.update({trait: 'exists (select 1 from ' ~ suppressions ~ ' as suppressed where suppressed.is_active'
            ~ ' and suppressed.node_id in (' ~ conditions | join(', ') ~ '))'}) %}
    {%- endfor %}
    select
        previous.id,
        previous.segment_id,
        {%- for trait in traits %}
        case when {{ blanked[trait] }} then null else previous.{{ trait }} end as {{ trait }},
        {%- endfor %}
        previous.timestamp,
        previous.seq,
        previous.uuid_ts,
        previous.run_id,
        previous._batch_at
    from {{ this }} as previous
    where
        {%- for trait in traits %}
        (previous.{{ trait }} is not null and {{ blanked[trait] }})
        {%- if not loop.last %} or{% endif %}
        {%- endfor %}
    {%- endif %}

)

select * from final
