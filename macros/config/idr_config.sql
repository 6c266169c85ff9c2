{#-
    The package's whole configuration, read from the vars and validated once. Every model and test
    calls this once and passes the result (or parts of it) down; no other macro reads these vars.

    Returns a mapping:
      types        identifier types most trusted first: {name, column_name, rank, priority, limit,
                   normalizer, blocked_values, blocked_patterns, blocked_patterns_var (the var
                   they come from), name_ordinal, configured}
      types_by_name  the same, by name
      limits       [{key (rank), limit, name}] for every type with a limit
      inputs       every raw table the build reads, Segment tables first:
                   {name (its source_name), model (the staging model), ordinal, kind, table, event_type,
                    relation {database, schema, identifier} | seed, event_id, occurred_at, loaded_at,
                    version, event_name_columns, slots [{type, column, kind, platform, global}], traits}
      staging_models the distinct staging models, in order
      event_slots  every identifier column of the staged rows, most trusted type first:
                   [{column (<type>__<n>), type, type_column}]
      traits       every trait name, each once (columns trait__<name>)
      primary_types the types of idr_identifier_types, most trusted first (primary_<type> columns)
      source_names every source_name, sorted
      suppressions {database, schema, identifier} of idr_suppressions, or none
      is_demo      true when this repository is the root project and no Segment schema is set
      settings     {max_rounds, lookback_hours, hash_salt, reset_profile_ids}
      fingerprint  md5 of everything above that shapes the stored state

    Fails with a message naming the var for anything it cannot use.
-#}
{% macro idr_config() %}
    {%- set settings = {
        'max_rounds': identity_resolution._idr_check_whole(var('idr_max_rounds'), 'idr_max_rounds', 1),
        'lookback_hours': identity_resolution._idr_check_whole(var('idr_lookback_hours'), 'idr_lookback_hours', 0),
        'hash_salt': var('idr_hash_salt'),
        'reset_profile_ids': identity_resolution._idr_check_bool(var('idr_reset_profile_ids'), 'idr_reset_profile_ids'),
    } -%}
    {%- if settings['hash_salt'] is not string -%}
        {%- do identity_resolution._idr_fail('idr_hash_salt', 'a string', settings['hash_salt']) -%}
    {%- endif -%}
    {%- set is_demo = project_name == 'identity_resolution' and var('idr_segment_schema') is none -%}

    {%- set inputs = identity_resolution._idr_segment_inputs(is_demo) + identity_resolution._idr_extra_inputs(is_demo) -%}
    {%- if inputs | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "identity_resolution has no input: every Segment table is switched off (idr_segment_<table>_enabled)"
            ~ " and idr_sources is empty") }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for input in inputs -%}
        {%- do input.update({'ordinal': loop.index}) -%}
        {%- do names.append(input['name']) -%}
    {%- endfor -%}

    {#- identifier types: the configured ones by priority, then every other type in use by name -#}
    {%- set configured = identity_resolution._idr_configured_types() -%}
    {%- set ordered = configured | sort(attribute='priority') | list -%}
    {%- set configured_names = ordered | map(attribute='name') | list -%}
    {%- set in_use = [] -%}
    {%- for input in inputs -%}
        {%- for slot in input['slots'] if slot['type'] not in in_use -%}
            {%- do in_use.append(slot['type']) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for type_name in in_use | sort if type_name not in configured_names -%}
        {%- do ordered.append(identity_resolution._idr_type_settings(type_name, {}, false)) -%}
    {%- endfor -%}
    {%- set names_sorted = ordered | map(attribute='name') | sort -%}
    {%- set types_by_name = {} -%}
    {%- set column_names = {} -%}
    {%- for t in ordered -%}
        {%- set column_name = t['name'] | replace('.', '_') -%}
        {%- if column_name in column_names -%}
            {{ exceptions.raise_compiler_error(
                "identity_resolution: identifier types '" ~ column_names[column_name] ~ "' and '" ~ t['name']
                ~ "' map to the same column name '" ~ column_name ~ "'; rename one of them") }}
        {%- endif -%}
        {%- do column_names.update({column_name: t['name']}) -%}
        {%- do t.update({'rank': loop.index, 'column_name': column_name,
                         'name_ordinal': names_sorted.index(t['name']) + 1}) -%}
        {%- do types_by_name.update({t['name']: t}) -%}
    {%- endfor -%}

    {#- global identifier columns: <type>__1 .. <type>__n, n = the most slots of that type in one input -#}
    {%- set counts = {} -%}
    {%- for input in inputs -%}
        {%- set seen = {} -%}
        {%- for slot in input['slots'] -%}
            {%- set index = seen.get(slot['type'], 0) + 1 -%}
            {%- do seen.update({slot['type']: index}) -%}
            {%- do slot.update({'global': types_by_name[slot['type']]['column_name'] ~ '__' ~ index}) -%}
            {%- do counts.update({slot['type']: [counts.get(slot['type'], 0), index] | max}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set event_slots = [] -%}
    {%- for t in ordered if t['name'] in counts -%}
        {%- for index in range(1, counts[t['name']] + 1) -%}
            {%- do event_slots.append({'column': t['column_name'] ~ '__' ~ index, 'type': t['name'],
                                       'type_column': t['column_name']}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {#- staging records which slots were blocked / invalid as the bits of one bigint -#}
    {%- if event_slots | length > 62 -%}
        {{ exceptions.raise_compiler_error(
            "identity_resolution: the sources need " ~ event_slots | length ~ " identifier slots ("
            ~ event_slots | map(attribute='column') | join(', ') ~ "; a type needs as many as the source with the"
            ~ " most columns of that type); at most 62 are supported. Map fewer identifier columns in"
            ~ " idr_segment_identifiers / idr_sources") }}
    {%- endif -%}

    {%- set traits = [] -%}
    {%- for input in inputs -%}
        {%- for trait in input['traits'] if trait not in traits -%}
            {%- do traits.append(trait) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for trait in traits if trait in ['profile_id', 'updated_at', 'updated_by_run_at'] -%}
        {{ exceptions.raise_compiler_error(
            "identity_resolution: trait '" ~ trait ~ "' clashes with a column of idr_profile_traits; rename the trait column") }}
    {%- endfor -%}

    {%- set staging_models = [] -%}
    {%- for input in inputs if input['model'] not in staging_models -%}
        {%- do staging_models.append(input['model']) -%}
    {%- endfor -%}

    {%- set limits = [] -%}
    {%- for t in ordered if t['limit'] is not none -%}
        {%- do limits.append({'key': t['rank'], 'limit': t['limit'], 'name': t['name']}) -%}
    {%- endfor -%}

    {%- set suppressions = none -%}
    {%- if var('idr_suppressions') is not none -%}
        {%- set suppressions = identity_resolution._idr_parse_relation(var('idr_suppressions'), 'idr_suppressions') -%}
    {%- endif -%}

    {%- set config = {
        'types': ordered,
        'types_by_name': types_by_name,
        'limits': limits,
        'inputs': inputs,
        'staging_models': staging_models,
        'event_slots': event_slots,
        'traits': traits,
        'primary_types': ordered | selectattr('configured') | list,
        'source_names': names | sort,
        'suppressions': suppressions,
        'is_demo': is_demo,
        'settings': settings,
    } -%}
    {#- what the stored state depends on: a change needs --full-refresh -#}
    {%- set shape = [] -%}
    {%- for t in ordered -%}
        {%- do shape.append([t['name'], t['rank'], t['limit'], t['normalizer'], t['blocked_values'],
                             t['blocked_patterns']]) -%}
    {%- endfor -%}
    {%- for input in inputs -%}
        {%- do shape.append([input['name'], input['event_id'], input['occurred_at'], input['version'],
                             input['slots'] | map(attribute='column') | list, input['slots'] | map(attribute='type') | list,
                             input['traits']]) -%}
    {%- endfor -%}
    {%- do shape.append(settings['hash_salt']) -%}
    {%- do config.update({'fingerprint': local_md5(tojson(shape))}) -%}
    {{ return(config) }}
{% endmacro %}
