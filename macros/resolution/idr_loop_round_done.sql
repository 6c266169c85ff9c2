{#- Log the round that just ended (see idr_loop_round). -#}
{% macro idr_loop_round_done(state, what, count_sql) %}
    {%- do identity_resolution.idr_log(state['name'] ~ ' round ' ~ state['round'] ~ ': '
        ~ identity_resolution.idr_query_value(count_sql) ~ ' ' ~ what
        ~ ' (' ~ identity_resolution.idr_seconds_since(state['round_started']) ~ 's)') -%}
{% endmacro %}
