{#- The cap on every resolution loop (`idr_max_rounds`), validated. -#}
{% macro idr_max_rounds() %}
    {%- set value = var('idr_max_rounds') -%}
    {%- if value is not number or value is boolean or value != (value | int) or value < 1 -%}
        {{ exceptions.raise_compiler_error("idr_max_rounds must be a whole number >= 1, got: " ~ value) }}
    {%- endif -%}
    {{ return(value | int) }}
{% endmacro %}


{#- Fail the model: a loop did not converge within the cap. Never truncate silently. -#}
{% macro idr_fail_not_converged(loop_name, max_rounds) %}
    {{ exceptions.raise_compiler_error(
        "identity_resolution: " ~ loop_name ~ " did not converge within idr_max_rounds = " ~ max_rounds
        ~ " rounds. Nothing was written. Raise idr_max_rounds (e.g. --vars '{idr_max_rounds: "
        ~ max_rounds * 2 ~ "}') or look for a degenerate identifier joining very many records.") }}
{% endmacro %}


{#- One log line per round: `idr <model> <loop> round <n>: <count> <what> (<seconds>s)`. -#}
{% macro idr_log_round(loop_name, round_number, what, count, started) %}
    {%- do identity_resolution.idr_log(loop_name ~ ' round ' ~ round_number ~ ': ' ~ count ~ ' ' ~ what
        ~ ' (' ~ identity_resolution.idr_seconds_since(started) ~ 's)') -%}
{% endmacro %}


{% macro idr_log(message) %}
    {%- do log('idr ' ~ this.identifier ~ ' ' ~ message, info=true) -%}
{% endmacro %}


{% macro idr_seconds_since(started) %}
    {{ return('%.3f' | format((modules.datetime.datetime.now() - started).total_seconds())) }}
{% endmacro %}
