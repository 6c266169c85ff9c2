{#-
    The profile traits this build collects: the Segment identify traits (when identifies is
    enabled) followed by each extra source's traits, lower case, each once.
    Returns a list of names; each is a column of idr_profile_traits.
-#}
{% macro idr_traits() %}
    {%- set names = [] -%}
    {%- set segment_traits = identity_resolution.idr_segment_traits() if var('idr_segment_identifies_enabled') else [] -%}
    {%- for source_traits in [segment_traits] + identity_resolution.idr_sources() | map(attribute='traits') | list -%}
        {%- for trait in source_traits if trait not in names -%}
            {%- do names.append(trait) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for name in names if name in ['profile_id', 'updated_at'] -%}
        {{ exceptions.raise_compiler_error("trait '" ~ name ~ "' clashes with a column of idr_profile_traits; rename the trait column") }}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{#- The trait columns read from Segment's identifies table (`idr_segment_traits`), validated, lower case. -#}
{% macro idr_segment_traits() %}
    {%- set names = [] -%}
    {%- for trait in identity_resolution._idr_string_list(var('idr_segment_traits'), 'idr_segment_traits') -%}
        {%- do identity_resolution._idr_check_column_name(trait, 'idr_segment_traits') -%}
        {%- if trait | lower not in names -%}
            {%- do names.append(trait | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
