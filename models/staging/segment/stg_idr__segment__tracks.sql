{{ config(enabled=var('idr_segment_tracks_enabled')) }}

{{ identity_resolution.idr_stage_segment_table('tracks') }}
