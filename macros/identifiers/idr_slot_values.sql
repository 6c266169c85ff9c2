{#-
    The identifier columns of `alias` as the graph uses them: {column: SQL}, each slot's value, or
    null when it is suppressed (its node id is an active row of `suppressed_nodes`, a select of
    node_id; none when no identifier is suppressed).
    With `suppressed_nodes` each value holds a subquery (a join on every engine): select the values
    once per row in a CTE and read its columns, never paste them where they are read more than
    once (DECISIONLOG 35).
-#}
{% macro idr_slot_values(cfg, alias, suppressed_nodes=none) %}
    {%- set values = {} -%}
    {%- for slot in cfg['event_slots'] -%}
        {%- set value = alias ~ '.' ~ slot['column'] -%}
        {%- if suppressed_nodes is not none -%}
            {%- set value = 'case when ' ~ identity_resolution.idr_node_id(cfg, "'" ~ slot['type'] ~ "'", value)
                ~ ' in (' ~ suppressed_nodes ~ ') then null else ' ~ value ~ ' end' -%}
        {%- endif -%}
        {%- do values.update({slot['column']: value}) -%}
    {%- endfor -%}
    {{ return(values) }}
{% endmacro %}
