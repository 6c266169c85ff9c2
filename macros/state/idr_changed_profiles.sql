{#-
    A select of the profile ids a mart keyed by profile must recompute since `watermark`: every id
    that gained, lost or re-keyed an identifier (new ids and ids merged or split away), and the
    current profile of every identifier whose events changed (its counts and times moved).
    After runs that stopped before the calling model (idr_missed_runs), every profile: those in
    node_profiles and those the model holds (`held_ids`, a select; default: its profile_id column).
    `node_profiles` and `occurrences` are the relations of int_idr__node_profiles and
    int_idr__occurrences (the calling model refs them where dbt sees it while parsing).
-#}
{% macro idr_changed_profiles(watermark, node_profiles, occurrences, held_ids=none) %}
    {%- if identity_resolution.idr_missed_runs(node_profiles, watermark) -%}
    {#- runs stopped before this model: a profile an identifier passed through on the way may be
        missing from what node_profiles remembers; recompute every profile (and drop the gone) -#}
    select profile_id from {{ node_profiles }} where profile_id is not null
    union
    {{ held_ids or 'select profile_id from ' ~ this }}
    {%- else %}
    select profile_id from {{ node_profiles }}
    where _batch_at > {{ watermark }} and profile_id is not null
    union
    select previous_profile_id from {{ node_profiles }}
    where _batch_at > {{ watermark }} and previous_profile_id is not null
    union
    select node_profiles.profile_id
    from {{ node_profiles }} as node_profiles
    inner join (
        select distinct node_id from {{ occurrences }} where _batch_at > {{ watermark }}
    ) as changed_nodes
        on node_profiles.node_id = changed_nodes.node_id
    where node_profiles.profile_id is not null
    {%- endif %}
{% endmacro %}
