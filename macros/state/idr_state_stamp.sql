{#-
    The stamp int_idr__deliveries writes on its rows: the fingerprint of the configuration that
    shapes the stored state (identifier types, priorities, limits, normalisers, blocklists, inputs, slots, traits,
    idr_hash_salt) and this engine's hash of a fixed string (node ids and event keys are such
    hashes). On an incremental run it compares the stamp already stored and fails when it differs:
    the stored rows were built under other rules (or another version of the engine's hash
    function), and mixing them would give wrong profiles. Returns the stamp as a SQL literal.

    The stamp starts with the package's state format (`s<N>:`): a release that changes what the
    state tables hold or mean raises N, so a project upgraded over old state is told to rebuild it
    instead of mixing the two.
-#}
{% macro idr_state_stamp(cfg) %}
    {%- if not execute -%}
        {{ return("'parsing'") }}
    {%- endif -%}
    {%- set canary = identity_resolution.idr_query_value(
        'select cast(' ~ identity_resolution.idr_hash64(["'identity_resolution'"], cfg['settings']['hash_salt'])
        ~ ' as ' ~ dbt.type_string() ~ ')') -%}
    {%- set state_format = 's3' -%}
    {%- set stamp = state_format ~ ':' ~ cfg['fingerprint'] ~ ':' ~ canary -%}
    {%- if identity_resolution.idr_is_incremental() -%}
        {%- set stored = identity_resolution.idr_query_value('select max(_idr_state_stamp) from ' ~ this) -%}
        {%- if stored is not none and not stored.startswith(state_format ~ ':') -%}
            {{ exceptions.raise_compiler_error(
                "identity_resolution: the stored state was written by another version of identity_resolution"
                ~ " (state format " ~ (stored.split(':')[0] if stored.split(':') | length == 3 else 'unversioned')
                ~ "; this version writes " ~ state_format ~ "). Rebuild it: dbt build --full-refresh"
                ~ " (profile ids and the change log survive it).") }}
        {%- elif stored is not none and stored != stamp -%}
            {{ exceptions.raise_compiler_error(
                "identity_resolution: the stored state was built with a different configuration (identifier types,"
                ~ " priorities, limits, normalisers, blocked values or patterns, sources, identifier columns, traits or idr_hash_salt) or a"
                ~ " different version of the database's hash function. Rebuild it: dbt build --full-refresh"
                ~ " (profile ids and the change log survive it).") }}
        {%- endif -%}
    {%- endif -%}
    {{ return("'" ~ stamp ~ "'") }}
{% endmacro %}
