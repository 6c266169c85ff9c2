{%- set cfg = identity_resolution.idr_config() -%}
{#- a view: every delivered row that did not become (a copy of) an event, with why -#}
{%- set readable = [] -%}
{%- for slot in cfg['event_slots'] -%}
    {%- do readable.append("case when deliveries." ~ slot['column'] ~ " is not null then "
        ~ dbt.concat(["'; " ~ slot['type'] ~ "='", 'deliveries.' ~ slot['column']]) ~ " else '' end") -%}
{%- endfor -%}
{%- for trait in cfg['traits'] -%}
    {%- do readable.append("case when deliveries.trait__" ~ trait ~ " is not null then "
        ~ dbt.concat(["'; " ~ trait ~ "='", 'deliveries.trait__' ~ trait]) ~ " else '' end") -%}
{%- endfor -%}

with deliveries as (

    select * from {{ ref('int_idr__deliveries') }}

),

events as (

    select * from {{ ref('int_idr__events') }}

),

repeated as (

    {# deliveries of events whose deliveries disagree (not those quarantined for another reason) #}
    select deliveries.*
    from deliveries
    inner join events
        on deliveries.event_key = events.event_key
    where events.conflicting_delivery_count > 0
        and deliveries.quarantine_reason is null

),

payloads as (

    {{ identity_resolution.idr_payload_text(cfg, 'repeated') | indent(4) }}

),

losers as (

    select repeated.event_key, repeated.content_hash
    from repeated
    inner join payloads
        on repeated.event_key = payloads.event_key
        and repeated.content_hash = payloads.content_hash
    inner join events
        on repeated.event_key = events.event_key
    inner join payloads as kept
        on events.event_key = kept.event_key
        and events.content_hash = kept.content_hash
    where payloads.payload_text <> kept.payload_text

),

quarantined as (

    select deliveries.*, deliveries.quarantine_reason as reason
    from deliveries
    where deliveries.quarantine_reason is not null

    union all

    select deliveries.*, 'conflicting_duplicate' as reason
    from deliveries
    inner join losers
        on deliveries.event_key = losers.event_key
        and deliveries.content_hash = losers.content_hash

),

final as (

    select
        deliveries.source_name,
        deliveries.event_id,
        deliveries.event_version,
        deliveries.reason,
        deliveries.occurred_at,
        deliveries.loaded_at,
        deliveries.event_type,
        deliveries.event_name,
        substr({{ dbt.concat(readable) if readable | length > 1 else readable[0] }}, 3) as payload,
        deliveries._batch_at as quarantined_at
    from quarantined as deliveries

)

select * from final
