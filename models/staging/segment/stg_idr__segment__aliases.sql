{{ config(enabled=var('idr_segment_aliases_enabled')) }}

{{ identity_resolution.idr_stage_segment_table('aliases') }}
