{#-
    The newest `_batch_at` among `relations` (state tables), as text 'YYYY-MM-DD HH:MM:SS.ffffff'
    (which sorts as the times do), read when the calling model is compiled; none while parsing, when
    one of them does not exist yet or all are empty. Every run that changes a state table writes
    rows stamped with its batch (a deletion comes with the rows that record it), so a model whose
    own newest batch is not older than this has seen every change of its inputs: the health models
    use it to skip recomputing what a run with nothing new would compute again.
-#}
{% macro idr_newest_input_batch(relations) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for relation in relations -%}
        {%- if load_relation(relation) is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- do parts.append('select max(_batch_at) as batch_at from ' ~ relation) -%}
    {%- endfor -%}
    {{ return(identity_resolution.idr_query_value(
        'select ' ~ identity_resolution.idr_timestamp_text('max(batch_at)')
        ~ ' from (' ~ parts | join(' union all ') ~ ') as newest')) }}
{% endmacro %}
