-- FAILS WHEN TWO IDENTIFIERS OR TWO EVENTS SHARE A 64-BIT HASH. To fix it, build everything again
-- with a new idr_hash_salt (any value not used before):
--   dbt build --full-refresh --vars '{idr_hash_salt: "1", idr_reset_profile_ids: true}'
-- (and keep that salt in your vars). Every node id and event key changes with the salt, so the
-- published profile ids and the change log start over with it.
-- Node ids (int_idr__nodes.node_id) and event keys (int_idr__events.event_key) are salted 64-bit
-- hashes; the models flag a hash shared by two different identifiers (has_hash_collision) or two
-- different events (has_key_collision). Such identifiers would be resolved as one, and of such
-- events one would be lost. Rare (about 5 in 10^8 builds at a million identifiers, 5 in 10^6 at
-- ten million events) but silent without this test. Catches hash collisions. Returns one row per
-- shared hash, with what to do.
with final as (

    select
        'identifier' as collision_of,
        node_id as shared_hash,
        identifier_type as example,
        'rebuild with a new idr_hash_salt and idr_reset_profile_ids: true (--full-refresh)' as what_to_do
    from {{ ref('int_idr__nodes') }}
    where has_hash_collision

    union all

    select
        'event' as collision_of,
        event_key as shared_hash,
        source_name as example,
        'rebuild with a new idr_hash_salt and idr_reset_profile_ids: true (--full-refresh)' as what_to_do
    from {{ ref('int_idr__events') }}
    where has_key_collision

)

select * from final
