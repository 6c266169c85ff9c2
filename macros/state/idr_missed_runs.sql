{#-
    True when `upstream` holds rows of more than one run newer than `watermark`: runs stopped after
    writing `upstream` and before the calling model, so its rows of the older runs were overwritten
    by key and what they said (a profile an identifier left, an anchor an event had) is lost. The
    caller then recomputes all it holds instead of the changed keys: rare, and exact.
    False while parsing.
-#}
{% macro idr_missed_runs(upstream, watermark) %}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(identity_resolution.idr_query_value(
        'select count(distinct _batch_at) from ' ~ upstream ~ ' where _batch_at > ' ~ watermark) > 1) }}
{% endmacro %}
