-- FAILS WHEN TWO IDENTIFIERS OR TWO EVENTS SHARE A 64-BIT HASH. To fix it: set the var
-- idr_hash_salt to any new value (e.g. --vars '{idr_hash_salt: "2"}', or in dbt_project.yml) and run
-- dbt build --full-refresh. Published profile ids and the change log are kept.
-- Node ids (int_idr__nodes.node_id) and event keys (int_idr__events.event_key) are salted 64-bit
-- hashes; the models flag a hash shared by two different identifiers (has_hash_collision) or two
-- different events (has_key_collision). Such identifiers would be resolved as one, and such events
-- would be one event with the other lost: rare (about one in 10^7 at 10^6 identifiers), but silent
-- without this test. Catches hash collisions. Returns one row per shared hash, with what to do.
with final as (

    select
        'identifier' as collision_of,
        node_id as shared_hash,
        identifier_type as example,
        'set idr_hash_salt to a new value, then dbt build --full-refresh' as what_to_do
    from {{ ref('int_idr__nodes') }}
    where has_hash_collision

    union all

    select
        'event' as collision_of,
        event_key as shared_hash,
        source_name as example,
        'set idr_hash_salt to a new value, then dbt build --full-refresh' as what_to_do
    from {{ ref('int_idr__events') }}
    where has_key_collision

)

select * from final
