{#-
    What int_idr__suppressions says about the current run, for a model caught up to `watermark`:
    {'any_active': some identifier is suppressed now, 'any_changed': some suppression was added or
    lifted since the watermark}. Both false while parsing, or before the table exists.
-#}
{% macro idr_suppression_changes(suppressions, watermark) %}
    {%- if not execute or load_relation(suppressions) is none -%}
        {{ return({'any_active': false, 'any_changed': false}) }}
    {%- endif -%}
    {%- set result = run_query(
        'select coalesce(sum(case when is_active then 1 else 0 end), 0), coalesce(sum(case when _batch_at > '
        ~ watermark ~ ' then 1 else 0 end), 0) from ' ~ suppressions) -%}
    {{ return({'any_active': result.rows[0][0] > 0, 'any_changed': result.rows[0][1] > 0}) }}
{% endmacro %}
