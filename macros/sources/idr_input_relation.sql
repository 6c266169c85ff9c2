{#- The relation an input reads: its seed, the `segment` source, or the relation of idr_sources. -#}
{% macro idr_input_relation(input) %}
    {%- if input['relation'].get('seed') -%}
        {{ return(ref(input['relation']['seed'])) }}
    {%- elif input['kind'] == 'segment' -%}
        {{ return(source('segment', input['table'])) }}
    {%- else -%}
        {{ return(api.Relation.create(
            database=input['relation']['database'] or target.database or none,
            schema=input['relation']['schema'] or target.schema,
            identifier=input['relation']['identifier'])) }}
    {%- endif -%}
{% endmacro %}
