{%- set cfg = identity_resolution.idr_config() -%}
{{ config(enabled=cfg['inputs'] | selectattr('model', 'equalto', 'stg_idr__extra_sources') | list | length > 0) }}

{{ identity_resolution.idr_stage_inputs(cfg, 'stg_idr__extra_sources') }}
