{#-
    The SQL for column `name` of a relation described by idr_relation_columns(), cast to
    `cast_type`; a typed null when the column is missing (or, with required=true, a compiler error
    naming `where`). During parsing (columns is none) every column is assumed present.
-#}
{% macro idr_column_or_null(columns, name, cast_type, required=false, where='') %}
    {%- if columns is none -%}
        {{ return('cast(' ~ adapter.quote(name) ~ ' as ' ~ cast_type ~ ')') }}
    {%- elif name | lower in columns -%}
        {{ return('cast(' ~ columns[name | lower]['sql'] ~ ' as ' ~ cast_type ~ ')') }}
    {%- elif required -%}
        {{ exceptions.raise_compiler_error("identity_resolution: " ~ where ~ " has no column '" ~ name ~ "', which is required") }}
    {%- else -%}
        {{ return('cast(null as ' ~ cast_type ~ ')') }}
    {%- endif -%}
{% endmacro %}
