{#-
    How far the current model has caught up with its inputs: the newest _batch_at among its own rows,
    as a SQL timestamp literal; the earliest possible time when it is being built from scratch (so
    every input row is new to it). A model reads the input rows with _batch_at later than this: a
    run that was killed before this model ran left its inputs ahead, and the next run catches up.
-#}
{% macro idr_watermark() %}
    {%- if identity_resolution.idr_is_incremental() -%}
        {%- set newest = identity_resolution.idr_query_value(
            'select ' ~ identity_resolution.idr_timestamp_text('max(_batch_at)') ~ ' from ' ~ this) -%}
        {%- if newest is not none -%}
            {{ return(identity_resolution.idr_timestamp_literal(newest)) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(identity_resolution.idr_timestamp_literal('1900-01-01 00:00:00')) }}
{% endmacro %}
