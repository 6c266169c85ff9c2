{#- Profiles Sync's pages: Segment's pages table, every column, plus segment_id and canonical_segment_id. -#}
{{ config(enabled=var('idr_profiles_sync_enabled') == true and var('idr_segment_pages_enabled') == true) }}

{{ identity_resolution._idr_profiles_sync_events('pages') }}
