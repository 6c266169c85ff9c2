{{ config(enabled=var('idr_segment_pages_enabled')) }}

{{ identity_resolution.idr_stage_segment_table('pages') }}
