{#-
    The columns of a relation, keyed by lower-case name, for staging models that read tables whose
    optional columns may be missing. Each value is the column name quoted as the adapter needs.

    During parsing (execute is false) nothing is queried and every column is assumed present.
    When the relation does not exist the build fails with `missing_message`.
-#}
{% macro idr_relation_columns(relation, missing_message) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set existing = load_relation(relation) -%}
    {%- if existing is none -%}
        {{ exceptions.raise_compiler_error(missing_message ~ " (looked for " ~ relation ~ ")") }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- for column in adapter.get_columns_in_relation(existing) -%}
        {%- do columns.update({column.name | lower: adapter.quote(column.name)}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}


{#-
    The SQL for column `name` of a relation described by idr_relation_columns(), or null cast to
    `cast_type` when the column is missing (or, with required=true, a compiler error).
-#}
{% macro idr_column_or_null(columns, name, cast_type, required=false, where='') %}
    {%- if columns is none -%}
        {{ return('cast(' ~ name ~ ' as ' ~ cast_type ~ ')') }}
    {%- elif name | lower in columns -%}
        {{ return('cast(' ~ columns[name | lower] ~ ' as ' ~ cast_type ~ ')') }}
    {%- elif required -%}
        {{ exceptions.raise_compiler_error(where ~ " has no column '" ~ name ~ "', which is required") }}
    {%- else -%}
        {{ return('cast(null as ' ~ cast_type ~ ')') }}
    {%- endif -%}
{% endmacro %}
