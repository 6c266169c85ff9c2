{#-
    The Profile API inside the warehouse, as SQL: a select about the profile that holds identifier
    (identifier_type, identifier_value). The value is normalised and checked exactly as input
    values are (cleaned, normalised by the type's normalizer, blocked, found invalid), so
    ' Jane@Example.com ' finds email jane@example.com. `part` chooses what the select returns:

      status       one row: identifier_type, input_value, identifier_value (normalised), node_id,
                   status ('found', 'blocked', 'invalid', 'suppressed', 'unknown') and profile_id
      profile      the profile's row of idr_profiles with its traits (idr_profile_traits); no row
                   when the identifier is in no profile
      identifiers  one row per identifier of the profile (idr_identifiers), most trusted type first
      events       the profile's latest `limit` events (idr_events), newest first
      merged_ids   one row per older profile id that now points to the profile (idr_profile_id_map)

    Example, in a model: select * from ({{ identity_resolution.idr_lookup_sql('email', 'jane@example.com', 'identifiers') }}) as ids
-#}
{% macro idr_lookup_sql(identifier_type, identifier_value, part='profile', limit=10) %}
    {%- set cfg = identity_resolution.idr_config() -%}
    {%- set parts = ['status', 'profile', 'identifiers', 'events', 'merged_ids'] -%}
    {%- if part not in parts -%}
        {{ exceptions.raise_compiler_error("identity_resolution: idr_lookup_sql part must be one of "
            ~ parts | join(', ') ~ "; got: " ~ part) }}
    {%- endif -%}
    {%- if limit is not number or limit < 1 -%}
        {{ exceptions.raise_compiler_error("identity_resolution: idr_lookup_sql limit must be a positive whole number; got: " ~ limit) }}
    {%- endif -%}
    {%- set t = identity_resolution._idr_lookup_type(cfg, identifier_type) -%}
    {%- set wanted = identity_resolution._idr_lookup_wanted_sql(cfg, t, identifier_value) -%}

    {%- if part == 'status' -%}
with wanted as (

    {{ wanted | indent(4) }}

),

final as (

    select
        wanted.identifier_type,
        wanted.input_value,
        wanted.identifier_value,
        wanted.node_id,
        case
            when wanted.rule_status is not null then wanted.rule_status
            when node_profiles.profile_id is not null then 'found'
            when suppressions.node_id is not null then 'suppressed'
            else 'unknown'
        end as status,
        node_profiles.profile_id
    from wanted
    left join {{ ref('int_idr__node_profiles') }} as node_profiles
        on wanted.node_id = node_profiles.node_id
        and node_profiles.profile_id is not null
    left join {{ ref('int_idr__suppressions') }} as suppressions
        on wanted.node_id = suppressions.node_id
        and suppressions.is_active

)

select * from final
    {%- else -%}
with wanted as (

    {{ wanted | indent(4) }}

),

found as (

    select node_profiles.profile_id
    from wanted
    inner join {{ ref('int_idr__node_profiles') }} as node_profiles
        on wanted.node_id = node_profiles.node_id
    where node_profiles.profile_id is not null

),

final as (
        {%- if part == 'profile' %}

    select
        profiles.*,
        {%- for trait in cfg['traits'] %}
        traits.{{ trait }},
        {%- endfor %}
        traits.updated_at as traits_updated_at
    from {{ ref('idr_profiles') }} as profiles
    inner join found
        on profiles.profile_id = found.profile_id
    left join {{ ref('idr_profile_traits') }} as traits
        on profiles.profile_id = traits.profile_id
        {%- elif part == 'identifiers' %}

    select
        identifiers.profile_id,
        identifiers.identifier_type,
        identifiers.identifier_value,
        identifiers.is_profile_key,
        identifiers.first_seen_at,
        identifiers.last_seen_at,
        identifiers.event_count,
        identifiers.sources,
        case identifiers.identifier_type
            {%- for known in cfg['types'] %}
            when '{{ known["name"] }}' then {{ known['rank'] }}
            {%- endfor %}
        end as priority_rank
    from {{ ref('idr_identifiers') }} as identifiers
    inner join found
        on identifiers.profile_id = found.profile_id
        {%- elif part == 'events' %}

    select *
    from (
        select
            events.*,
            row_number() over (
                order by events.occurred_at desc, events.source_name desc, events.event_id desc
            ) as recency
        from {{ ref('idr_events') }} as events
        inner join found
            on events.profile_id = found.profile_id
    ) as ranked
    where recency <= {{ limit }}
        {%- else %}

    select
        id_map.profile_id as merged_profile_id,
        id_map.current_profile_id as profile_id,
        id_map.status,
        id_map.first_published_at,
        id_map.retired_at
    from {{ ref('idr_profile_id_map') }} as id_map
    inner join found
        on id_map.current_profile_id = found.profile_id
    where id_map.profile_id <> found.profile_id
        {%- endif %}

)

select * from final
    {%- endif -%}
{% endmacro %}


{#- The configured type named `identifier_type` (names compare ignoring case); a compiler error
    listing the known types otherwise. -#}
{% macro _idr_lookup_type(cfg, identifier_type) %}
    {%- set known = cfg['types'] | map(attribute='name') | list -%}
    {%- for t in cfg['types'] if identifier_type is string and t['name'] | lower == identifier_type | trim | lower -%}
        {{ return(t) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("identity_resolution: unknown identifier type " ~ (identifier_type | string)
        ~ "; the types of this build are: " ~ known | join(', ')) }}
{% endmacro %}


{#- One row: the input value cleaned, normalised and checked like an input value of type `t`, and its node id. -#}
{% macro _idr_lookup_wanted_sql(cfg, t, identifier_value) %}
    {%- set literal = 'cast(null as ' ~ dbt.type_string() ~ ')' if identifier_value is none
        else identity_resolution.idr_string_literal(identifier_value | string) -%}
select
    '{{ t["name"] }}' as identifier_type,
    checked.input_value,
    checked.identifier_value,
    checked.rule_status,
    case when checked.identifier_value is not null then
        {{ identity_resolution.idr_node_id(cfg, "'" ~ t['name'] ~ "'", 'checked.identifier_value') }}
    end as node_id
from (
    select
        cleaned.input_value,
        {{ identity_resolution.idr_identifier_value('cleaned.cleaned_value', t) | indent(8) }} as identifier_value,
        coalesce({{ identity_resolution.idr_identifier_status('cleaned.cleaned_value', t) | indent(8) }},
            case when cleaned.cleaned_value is null then 'invalid' end) as rule_status
    from (
        select
            {{ literal }} as input_value,
            {{ identity_resolution.idr_clean_text(literal) }} as cleaned_value
    ) as cleaned
) as checked
{%- endmacro %}
