{#-
    True when the current model (materialized idr_incremental or idr_resolution) updates its
    existing table instead of rebuilding it: the table exists and neither --full-refresh (unless the
    model says full_refresh: false) nor idr_reset_profile_ids (for the models that keep profile ids,
    which say full_refresh: false) asks for a rebuild. False while parsing. A table that a run
    stopped in the middle of a swap left under its backup name is put back first
    (idr_restore_interrupted_swap): the model's SQL, compiled before its materialization runs,
    must see it.
-#}
{% macro idr_is_incremental() %}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(this.database, this.schema, this.identifier) -%}
    {%- if relation is none and model.config.materialized in ('idr_incremental', 'idr_resolution') -%}
        {%- set relation = identity_resolution.idr_restore_interrupted_swap() -%}
    {%- endif -%}
    {{ return(relation is not none
              and relation.type == 'table'
              and model.config.materialized in ('idr_incremental', 'idr_resolution')
              and not identity_resolution.idr_should_rebuild()) }}
{% endmacro %}
