{#-
    The payload of each delivery of `relation` as one string, for choosing between deliveries of
    one event that disagree: its distinct identifiers as 'type<US>value<RS>' sorted in byte order,
    then <GS> + event_type, <GS> + event_name, and <GS> + each trait in cfg['traits'] order (<FS>
    for a missing value). US, RS, GS and FS are the ASCII separators 0x1F, 0x1E, 0x1D and 0x1C,
    written as chr() calls (a raw control character would not survive Jinja's indent filter). Two deliveries are copies when their payloads are equal.
    Returns a select of (event_key, content_hash, payload_text); tests/python/reference.py builds the
    same string.
-#}
{% macro idr_payload_text(cfg, relation) %}
    {%- set slots = [] -%}
    {%- for slot in cfg['event_slots'] -%}
        {%- do slots.append({'label': slot['type'], 'expr': slot['column']}) -%}
    {%- endfor -%}
    {%- set tail = ["chr(29)", "event_type", "chr(29)", "coalesce(event_name, chr(28))"] -%}
    {%- for trait in cfg['traits'] -%}
        {%- do tail.extend(["chr(29)", "coalesce(trait__" ~ trait ~ ", chr(28))"]) -%}
    {%- endfor -%}
    with identifiers as (

        select distinct event_key, content_hash, {{ dbt.concat(['identifier_type', 'chr(31)', 'identifier_value', 'chr(30)']) }} as item
        from (
            {{ identity_resolution.idr_unpivot(relation, ['event_key', 'content_hash'], slots, 'identifier_type', 'identifier_value') | indent(12) }}
        ) as unpivoted

    ),

    joined as (

        select event_key, content_hash, {{ identity_resolution.idr_sorted_listagg('item', '') }} as items
        from identifiers
        group by event_key, content_hash

    )

    select
        deliveries.event_key,
        deliveries.content_hash,
        {{ dbt.concat(["coalesce(joined.items, '')"] + tail) }} as payload_text
    from {{ relation }} as deliveries
    left join joined
        on deliveries.event_key = joined.event_key
        and deliveries.content_hash = joined.content_hash
{% endmacro %}
