{#- Profiles Sync's tracks: Segment's tracks table, every column, plus segment_id and canonical_segment_id. -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true and var('idr_segment_tracks_enabled') == true) }}

{{ identity_resolution._idr_profiles_sync_events('tracks') }}
