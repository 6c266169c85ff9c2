{{ config(enabled=var('idr_segment_identifies_enabled') == true) }}

{{ identity_resolution.idr_stage_inputs(identity_resolution.idr_config(), 'stg_idr__segment__identifies') }}
