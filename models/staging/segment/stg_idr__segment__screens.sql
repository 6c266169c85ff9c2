{{ config(enabled=var('idr_segment_screens_enabled')) }}

{{ identity_resolution.idr_stage_segment_table('screens') }}
