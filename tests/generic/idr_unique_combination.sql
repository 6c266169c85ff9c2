{#- The grain of a model: no two rows share the values of `combination_of_columns` (nulls compare
    equal, as in a group by). Fails with one row per repeated combination. -#}
{% test idr_unique_combination(model, combination_of_columns) %}

select
    {%- for column in combination_of_columns %}
    {{ column }},
    {%- endfor %}
    count(*) as row_count
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
