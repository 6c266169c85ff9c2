{#-
    The grain test: no two rows share the values of `combination_of_columns` (nulls compare equal).
    Arguments go under `arguments:` (dbt >= 1.10 unpacks them; dbt 1.8 / 1.9 pass the mapping as
    `arguments`, which this test also reads), so one yml works on every supported dbt.
-#}
{% test idr_unique_combination(model, combination_of_columns=none, arguments=none) %}
{%- set columns = combination_of_columns or (arguments or {}).get('combination_of_columns') -%}
{%- if not columns -%}
    {{ exceptions.raise_compiler_error("idr_unique_combination needs combination_of_columns") }}
{%- endif %}

with grouped as (

    select
        {{ columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}

)

select * from grouped
where row_count > 1

{% endtest %}
