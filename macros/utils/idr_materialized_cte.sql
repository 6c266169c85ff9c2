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


{#- The keyword (with a trailing space) that makes a CTE be inlined into each reader, never stored:
    `name as {{ idr_inlined_cte() }}(...)`, for a wide CTE whose readers each want a different
    slice of it. Empty where the engine decides by itself. -#}
{% macro idr_inlined_cte() %}
    {{- return(adapter.dispatch('idr_inlined_cte', 'identity_resolution')()) -}}
{% endmacro %}

{% macro default__idr_inlined_cte() -%}
{%- endmacro %}

{#- DuckDB stores a CTE read more than once; storing 10M wide rows costs more than scanning the table again. -#}
{% macro duckdb__idr_inlined_cte() -%}
    not materialized {% endmacro %}
