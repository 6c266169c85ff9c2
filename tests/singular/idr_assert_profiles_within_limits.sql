-- No profile holds more distinct values of an identifier type than that type's limit.
{%- set limited_types = identity_resolution.idr_identifier_types() | selectattr('limit') | list %}
{%- if limited_types | length == 0 %}
select 1 as no_limits_configured where 1 = 0
{%- else %}
select
    profile_id,
    identifier_type,
    count(*) as value_count
from {{ ref('idr_identifiers') }}
group by profile_id, identifier_type
having
    {%- for t in limited_types %}
    (identifier_type = '{{ t["name"] }}' and count(*) > {{ t['limit'] }})
    {%- if not loop.last %} or{% endif %}
    {%- endfor %}
{%- endif %}
