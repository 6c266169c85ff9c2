{{ config(enabled=var('idr_segment_identifies_enabled')) }}

{{ identity_resolution.idr_stage_segment_table('identifies') }}
