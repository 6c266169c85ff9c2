{#-
    The oldest and newest batch in a state table, read when the calling test or model is compiled
    (in a `dbt build`, after the models it depends on ran): a dict with `oldest` and `newest`, each
    a SQL timestamp literal or none (an empty table), and `is_rebuilt` (every row in one batch: the
    last write rebuilt the table from scratch). Literals, not a subquery joined in: a filter on
    `_batch_at` against a constant lets the engine skip the storage blocks of older batches
    (DuckDB's zone maps, Spark's file statistics), so a test of what a run wrote reads what the run
    wrote. Where nothing can be read (parsing, or the table does not exist yet, as in a `dbt
    compile` before the first build) both are none. `oldest_text` / `newest_text` hold the same
    times as text ('YYYY-MM-DD HH:MM:SS.ffffff', which sorts as the times do).
-#}
{% macro idr_batch_range(relation, batch_column='_batch_at') %}
    {%- set found = {'oldest': none, 'newest': none, 'oldest_text': none, 'newest_text': none, 'is_rebuilt': false} -%}
    {%- if execute and load_relation(relation) is not none -%}
        {%- set result = run_query(
            'select ' ~ identity_resolution.idr_timestamp_text('min(' ~ batch_column ~ ')')
            ~ ', ' ~ identity_resolution.idr_timestamp_text('max(' ~ batch_column ~ ')') ~ ' from ' ~ relation) -%}
        {%- if result is not none and result.rows | length > 0 and result.rows[0][1] is not none -%}
            {%- do found.update({
                'oldest': identity_resolution.idr_timestamp_literal(result.rows[0][0]),
                'newest': identity_resolution.idr_timestamp_literal(result.rows[0][1]),
                'oldest_text': result.rows[0][0],
                'newest_text': result.rows[0][1],
                'is_rebuilt': result.rows[0][0] == result.rows[0][1]}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(found) }}
{% endmacro %}
