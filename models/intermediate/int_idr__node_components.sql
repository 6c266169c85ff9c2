{%- do identity_resolution.idr_max_rounds() -%}  {#- validated while parsing, not only when the loop runs -#}
{%- set limits = [] -%}
{%- for t in identity_resolution.idr_identifier_types() if t['limit'] is not none -%}
    {%- do limits.append({'key': t['rank'], 'limit': t['limit']}) -%}
{%- endfor -%}
{{ config(
    materialized='idr_resolution',
    idr_nodes='int_idr__nodes',
    idr_limit_key='priority_rank',
    idr_edge_order=['first_seen_at', 'priority_rank_b', 'name_ordinal_a', 'node_a', 'name_ordinal_b', 'node_b'],
    idr_limits=limits,
) }}
-- depends_on: {{ ref('int_idr__nodes') }}

{# the edges, with the columns of the order they are applied in:
    first_seen_at, the weaker end's priority, the anchor's (type, value), the other end's (type, value);
    within one type node_id follows the value's byte order #}
select
    node_a,
    node_b,
    first_seen_at,
    priority_rank_b,
    {{ identity_resolution.idr_rank_case('priority_rank_a', 'name_ordinal') }} as name_ordinal_a,
    {{ identity_resolution.idr_rank_case('priority_rank_b', 'name_ordinal') }} as name_ordinal_b
from {{ ref('int_idr__edges') }}
