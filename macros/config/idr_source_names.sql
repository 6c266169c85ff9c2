{#- Every source_name a build can produce, sorted: segment.<table> per enabled table, then idr_sources names. -#}
{% macro idr_source_names() %}
    {%- set names = [] -%}
    {%- for table in identity_resolution.idr_segment_tables() if table['enabled'] -%}
        {%- do names.append('segment.' ~ table['table']) -%}
    {%- endfor -%}
    {%- for source in identity_resolution.idr_sources() -%}
        {%- do names.append(source['name']) -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{% endmacro %}


{#- ', <name>' for each from_source_<i> flag that is set (the caller drops the leading ', '). -#}
{% macro _idr_source_flags(source_names) %}
    {%- set parts = [] -%}
    {%- for source_name in source_names -%}
        {%- do parts.append("case when from_source_" ~ loop.index ~ " = 1 then ', " ~ source_name ~ "' else '' end") -%}
    {%- endfor -%}
    {{ return(parts) }}
{% endmacro %}
