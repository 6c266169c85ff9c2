{#-
    The work relations the resolution model's SQL reads: {'region': the nodes this run resolves,
    'result': their (node_id, cc_id, component_id), and the rounds the run's loops took
    (component_rounds, limit_rounds, the same on every row)}. While the idr_resolution materialization
    runs (dbt run, build, retry), the work tables it fills; otherwise (dbt show, compile, docs) the
    model's own table, so that a preview shows what the model holds.
-#}
{% macro idr_resolution_work() %}
    {%- if flags.WHICH in ('run', 'build', 'retry') -%}
        {{ return({'region': identity_resolution.idr_work_relation('region'),
                   'result': identity_resolution.idr_work_relation('result')}) }}
    {%- endif -%}
    {{ return({'region': this, 'result': this}) }}
{% endmacro %}
