{#-
    The grain test: no two rows share the values of `combination_of_columns` (nulls compare equal,
    as in a group by). Fails with one row per repeated combination.

    batch_column (optional: the column each run stamps its rows with, `_batch_at`): check only the
    rows of the tested batch (idr_tested_batch: what this build wrote, none when it wrote nothing;
    in `dbt test`, what the last run wrote), against each other and against every older row;
    older rows were checked when they were written. A first build or a full refresh writes
    every row in one batch, so everything is checked; an incremental run costs what it wrote, not a
    group by over the whole table. Older rows are matched by equality (a hash join): a null in a key
    column is compared only within the batch, so use it on keys that are never null.

    Arguments go under `arguments:` (dbt >= 1.10 unpacks them; dbt 1.8 / 1.9 pass the mapping as
    `arguments`, which this test also reads), so one yml works on every supported dbt.
    `description` is accepted and ignored: dbt before 1.9 passes a test's description to it.
-#}
{% test idr_unique_combination(model, combination_of_columns=none, batch_column=none, arguments=none,
                               description=none) %}
{%- set columns = combination_of_columns or (arguments or {}).get('combination_of_columns') -%}
{%- set batch = batch_column or (arguments or {}).get('batch_column') -%}
{%- if not columns or columns is string -%}
    {{ exceptions.raise_compiler_error(
        "idr_unique_combination on " ~ model ~ ": combination_of_columns must be a list of columns") }}
{%- endif %}
{%- if batch %}
{%- set tested = identity_resolution.idr_tested_batch(model, batch) %}

with repeated_in_batch as (

    {# the rows the tested batch wrote (a filter, not a CTE: an engine may copy a CTE read twice) #}
    {{ identity_resolution.idr_repeated_combinations(model, columns, batch ~ ' = ' ~ tested) | indent(4) }}

),

left_behind as (

    {# a key the tested batch wrote whose older row is still there #}
    select
        {%- for column in columns %}
        written.{{ column }},
        {%- endfor %}
        count(*) + 1 as row_count
    from {{ model }} as written
    inner join {{ model }} as older
        on {% for column in columns -%}
        written.{{ column }} = older.{{ column }}
        {%- if not loop.last %}
        and {% endif %}
        {%- endfor %}
    where written.{{ batch }} = {{ tested }}
        and older.{{ batch }} < {{ tested }}
    group by {% for column in columns %}written.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}

),

final as (

    select * from repeated_in_batch
    union all
    select * from left_behind

)
{%- else %}

with final as (

    {{ identity_resolution.idr_repeated_combinations(model, columns, '1 = 1') | indent(4) }}

)
{%- endif %}

select * from final

{% endtest %}
