{#-
    The batch a test checks in `relation`, as a SQL expression. In a `dbt build` that selected the
    model behind `relation`, this run's batch (idr_batch_at): the rows this build wrote, none when
    it wrote nothing, so a build with nothing new checks nothing again. Otherwise (`dbt test`, a
    build that did not select the model) the newest batch in the table: what the last run wrote.
    Older rows were checked when they were written, by the build that wrote them or by the
    `dbt test` that followed the `dbt run` that did. Always a literal once the table exists (read
    when the test is compiled, idr_batch_range), so the engine can skip the storage of older
    batches; a subquery where it cannot be read (parsing, no table yet).
-#}
{% macro idr_tested_batch(relation, batch_column='_batch_at') %}
    {%- if flags.WHICH == 'build' -%}
        {%- for unique_id in selected_resources -%}
            {%- if unique_id.startswith('model.') and unique_id.split('.')[-1] == relation.identifier -%}
                {{- return(identity_resolution.idr_batch_at()) -}}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set newest = identity_resolution.idr_batch_range(relation, batch_column)['newest'] -%}
    {%- if newest is not none -%}
        {{- return(newest) -}}
    {%- endif -%}
    {{- return('(select max(' ~ batch_column ~ ') from ' ~ relation ~ ')') -}}
{% endmacro %}

{#-
    True when the tested batch of `relation` (idr_tested_batch) is every row of it: a first build
    or a full refresh wrote the table in one batch, so a test may check the whole table without
    narrowing it to what the batch touched. Read when the test is compiled; false where the table
    cannot be read yet. A caller that already holds the tested batch or the batch range passes them
    (each is a query when the test compiles).
-#}
{% macro idr_tested_batch_is_whole(relation, batch_column='_batch_at', tested_batch=none, batch_range=none) %}
    {%- set batch_range = batch_range if batch_range is not none
        else identity_resolution.idr_batch_range(relation, batch_column) -%}
    {%- set tested_batch = tested_batch if tested_batch is not none
        else identity_resolution.idr_tested_batch(relation, batch_column) -%}
    {{- return(batch_range['oldest'] == tested_batch) -}}
{% endmacro %}
