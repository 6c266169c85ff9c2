{#-
    The exact `fraction` percentile (0 to 1) of the numeric `expr` over the rows of a group, by
    linear interpolation between the two nearest values (as percentile_cont): an aggregate.
-#}
{% macro idr_percentile(expr, fraction) %}
    {{- return(adapter.dispatch('idr_percentile', 'identity_resolution')(expr, fraction)) -}}
{% endmacro %}

{#- PostgreSQL, DuckDB, Snowflake, Redshift: the SQL standard's ordered-set aggregate. -#}
{% macro default__idr_percentile(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{#- Spark: percentile() is the exact, interpolating aggregate (percentile_approx is approximate;
    https://spark.apache.org/docs/latest/api/sql/#percentile). -#}
{% macro spark__idr_percentile(expr, fraction) -%}
    percentile({{ expr }}, {{ fraction }})
{%- endmacro %}
