{#- The node id of identifier (type, value): a salted 64-bit hash (idr_hash64), the same wherever it is computed. -#}
{% macro idr_node_id(cfg, type_expr, value_expr) %}
    {{- return(identity_resolution.idr_hash64([type_expr, value_expr], cfg['settings']['hash_salt'])) -}}
{% endmacro %}
