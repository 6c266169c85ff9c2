{#- The keyword (with a trailing space) that makes a CTE read several times be computed once:
    `name as {{ idr_materialized_cte() }}(...)`. Empty where the engine decides by itself. -#}
{% macro idr_materialized_cte() %}
    {{- return(adapter.dispatch('idr_materialized_cte', 'identity_resolution')()) -}}
{% endmacro %}

{% macro default__idr_materialized_cte() -%}
{%- endmacro %}

{#- DuckDB inlines a CTE that has no aggregate into every reader, recomputing it each time. -#}
{% macro duckdb__idr_materialized_cte() -%}
    materialized {% endmacro %}
