{#-
    True when the current model must be rebuilt from scratch: --full-refresh (dbt's rule: a model with
    full_refresh: false keeps its state), or idr_reset_profile_ids for the models that keep
    profile ids and the change log (those with full_refresh: false).
-#}
{% macro idr_should_rebuild() %}
    {%- if should_full_refresh() -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(config.get('full_refresh') == false and var('idr_reset_profile_ids') == true) }}
{% endmacro %}
