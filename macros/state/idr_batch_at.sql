{#-
    This run's batch time as a SQL timestamp literal (UTC): dbt's run_started_at, the same for every
    model of one `dbt build`. Every row a state model writes carries it as _batch_at; a model's
    newest _batch_at is how far it has caught up with its inputs (idr_watermark).
-#}
{% macro idr_batch_at() %}
    {{- return(identity_resolution.idr_timestamp_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f'))) -}}
{% endmacro %}
