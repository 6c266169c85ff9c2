{#-
    The columns of a raw relation, keyed by lower-case name: {name: {'sql': the column quoted as
    the adapter needs, 'data_type': its type as the adapter reports it}}.

    During parsing (execute is false) nothing is queried and none is returned: callers then assume
    every column is present. When the relation does not exist (no columns) the build fails with
    `missing_message`.

    The columns are read from the database directly, not through dbt's relation cache
    (load_relation): the raw schemas are not in that cache, and dbt fills a schema's entry one
    relation at a time after a lookup misses it, so a staging model compiled at the same moment on
    another thread could find the schema half-listed and its table "missing".
-#}
{% macro idr_relation_columns(relation, missing_message) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = adapter.get_columns_in_relation(relation) -%}
    {%- if found | length == 0 -%}
        {{ exceptions.raise_compiler_error("identity_resolution: " ~ missing_message ~ " (looked for " ~ relation ~ ")") }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- for column in found -%}
        {%- do columns.update({column.name | lower: {'sql': adapter.quote(column.name), 'data_type': column.data_type}}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
