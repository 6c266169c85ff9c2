{#-
    The skeleton every resolution loop shares, around the body of one round:
      idr_loop_round(state)          starts a round: fails the model when state['round'] already
                                     reached state['max_rounds'] (never truncates silently), counts it,
                                     notes its start time;
      idr_loop_round_done(state, what, count_sql)
                                     logs `idr <model> <loop> round <n>: <count> <what> (<seconds>s)`.
    `state` is {'name', 'max_rounds', 'round'} (the loop keeps its own keys alongside).
-#}
{% macro idr_loop_round(state) %}
    {%- if state['round'] >= state['max_rounds'] -%}
        {{ exceptions.raise_compiler_error(
            "identity_resolution: " ~ state['name'] ~ " did not converge within idr_max_rounds = " ~ state['max_rounds']
            ~ " rounds. Nothing was written. Raise idr_max_rounds (e.g. --vars '{idr_max_rounds: "
            ~ state['max_rounds'] * 2 ~ "}') or look for a degenerate identifier joining very many records.") }}
    {%- endif -%}
    {%- do state.update({'round': state['round'] + 1, 'round_started': modules.datetime.datetime.now()}) -%}
{% endmacro %}
