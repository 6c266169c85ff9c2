{{ config(enabled=(var('idr_sources') or []) | length > 0) }}

{{ identity_resolution.idr_stage_extra_sources() }}
