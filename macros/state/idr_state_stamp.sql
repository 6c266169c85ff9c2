{#-
    The stamp int_idr__deliveries writes on its rows: the fingerprint of the configuration that
    shapes the stored state (identifier types, normalisers, blocklists, inputs, slots, traits,
    idr_hash_salt) and this engine's hash of a fixed string (node ids and event keys are such
    hashes). On an incremental run it compares the stamp already stored and fails when it differs:
    the stored rows were built under other rules (or another version of the engine's hash
    function), and mixing them would give wrong profiles. Returns the stamp as a SQL literal.
-#}
{% macro idr_state_stamp(cfg) %}
    {%- if not execute -%}
        {{ return("'parsing'") }}
    {%- endif -%}
    {%- set canary = identity_resolution.idr_query_value(
        'select cast(' ~ identity_resolution.idr_hash64(["'identity_resolution'"], cfg['settings']['hash_salt'])
        ~ ' as ' ~ dbt.type_string() ~ ')') -%}
    {%- set stamp = cfg['fingerprint'] ~ ':' ~ canary -%}
    {%- if identity_resolution.idr_is_incremental() -%}
        {%- set stored = identity_resolution.idr_query_value('select max(_idr_state_stamp) from ' ~ this) -%}
        {%- if stored is not none and stored != stamp -%}
            {{ exceptions.raise_compiler_error(
                "identity_resolution: the stored state was built with a different configuration (identifier types,"
                ~ " normalisers, blocked values or patterns, sources, identifier columns, traits or idr_hash_salt) or a"
                ~ " different version of the database's hash function. Rebuild it: dbt build --full-refresh"
                ~ " (profile ids and the change log survive it).") }}
        {%- endif -%}
    {%- endif -%}
    {{ return("'" ~ stamp ~ "'") }}
{% endmacro %}
