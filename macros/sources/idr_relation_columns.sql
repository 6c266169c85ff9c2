{#-
    The columns of a raw relation, keyed by lower-case name: {name: {'sql': the column quoted as
    the adapter needs, 'data_type': its type as the adapter reports it}}.

    During parsing (execute is false) nothing is queried and none is returned: callers then assume
    every column is present. When the relation does not exist the build fails with `missing_message`.
-#}
{% macro idr_relation_columns(relation, missing_message) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set existing = load_relation(relation) -%}
    {%- if existing is none -%}
        {{ exceptions.raise_compiler_error("identity_resolution: " ~ missing_message ~ " (looked for " ~ relation ~ ")") }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- for column in adapter.get_columns_in_relation(existing) -%}
        {%- do columns.update({column.name | lower: {'sql': adapter.quote(column.name), 'data_type': column.data_type}}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
