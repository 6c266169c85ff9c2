{#-
    Every non-null value of `column_name` is one of `values`. Reads `arguments:` on every
    supported dbt (see idr_unique_combination).
-#}
{% test idr_accepted_values(model, column_name, values=none, arguments=none) %}
{%- set accepted = values or (arguments or {}).get('values') -%}
{%- if not accepted -%}
    {{ exceptions.raise_compiler_error("idr_accepted_values needs values") }}
{%- endif %}

select {{ column_name }} as unexpected_value
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        {%- for value in accepted %}'{{ value }}'{% if not loop.last %}, {% endif %}{% endfor -%}
    )

{% endtest %}
