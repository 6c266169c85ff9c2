{#- Every value of `column_name` is zero or more. -#}
{% test idr_not_negative(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0

{% endtest %}
