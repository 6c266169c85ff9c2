{#-
    The work table `name` of the current model's resolution loops: `<model>__idr_<name>` (the
    prefix lets a later run find and drop the work tables of a run that was killed). Adapter
    overrides choose where they live.
-#}
{% macro idr_work_relation(name) %}
    {{- return(adapter.dispatch('idr_work_relation', 'identity_resolution')(name)) -}}
{% endmacro %}

{#- Default (Spark, Snowflake, BigQuery, ...): a real table beside the model. Spark temp views would
    re-run their whole lineage every round. -#}
{% macro default__idr_work_relation(name) %}
    {{- return(this.incorporate(path={'identifier': this.identifier ~ '__idr_' ~ name}, type='table')) -}}
{% endmacro %}

{#- DuckDB: temp tables live in memory and skip the write-ahead log, several times faster for short-lived rounds. -#}
{% macro duckdb__idr_work_relation(name) %}
    {{- return(api.Relation.create(identifier=this.identifier ~ '__idr_' ~ name, type='table').include(database=false, schema=false)) -}}
{% endmacro %}

{#- Postgres: temp tables cannot be schema-qualified and are private to the session. -#}
{% macro postgres__idr_work_relation(name) %}
    {{- return(api.Relation.create(identifier=this.identifier ~ '__idr_' ~ name, type='table').include(database=false, schema=false)) -}}
{% endmacro %}
