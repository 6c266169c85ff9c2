{#- True when `relation` has at least one row matching `where` (cheaper than counting). -#}
{% macro idr_has_rows(relation, where='1 = 1') %}
    {{ return(identity_resolution.idr_query_value('select count(*) from (select 1 as one from ' ~ relation
        ~ ' as has_rows_input where ' ~ where ~ ' limit 1) as probe') > 0) }}
{% endmacro %}
