{#-
    Look a profile up by any identifier (Segment's Profile API, inside the warehouse):

        dbt run-operation idr_lookup --args '{type: email, value: jane@example.com}'
        dbt run-operation idr_lookup --args '{type: user_id, value: u123, events: 20, format: json}'

    Prints the profile (id, first and last seen, traits), every identifier with first/last seen and
    sources, the latest events, and the older profile ids that now point to it. The value is
    normalised like input values (idr_lookup_sql); a blocked, invalid, suppressed or unknown value,
    or an unknown type, gets a sentence saying so. format: json prints one JSON object instead.
-#}
{% macro idr_lookup(type=none, value=none, events=10, format='text') %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- if format not in ('text', 'json') -%}
        {{ exceptions.raise_compiler_error("identity_resolution: idr_lookup format is 'text' or 'json'; got: " ~ format) }}
    {%- endif -%}
    {%- set cfg = identity_resolution.idr_config() -%}
    {%- set checked = identity_resolution._idr_lookup_check(cfg, {'type': type, 'value': value}) -%}
    {%- if checked['status'] != 'found' -%}
        {%- do identity_resolution._idr_lookup_say(format, checked['message'],
            {'identifier': checked, 'status': checked['status'], 'message': checked['message'], 'profile': none}) -%}
        {{ return('') }}
    {%- endif -%}

    {%- set profile = identity_resolution._idr_lookup_rows(
        identity_resolution.idr_lookup_sql(checked['identifier_type'], value, 'profile'))[0] -%}
    {%- set identifiers = identity_resolution._idr_lookup_rows(
        identity_resolution.idr_lookup_sql(checked['identifier_type'], value, 'identifiers'))
        | sort(attribute='first_seen_at') | sort(attribute='priority_rank') -%}
    {%- set latest = identity_resolution._idr_lookup_rows(
        identity_resolution.idr_lookup_sql(checked['identifier_type'], value, 'events', limit=events))
        | sort(attribute='recency') -%}
    {%- set merged = identity_resolution._idr_lookup_rows(
        identity_resolution.idr_lookup_sql(checked['identifier_type'], value, 'merged_ids'))
        | sort(attribute='merged_profile_id') -%}
    {%- set traits = {} -%}
    {%- for trait in cfg['traits'] if profile[trait] is not none -%}
        {%- do traits.update({trait: profile[trait]}) -%}
    {%- endfor -%}

    {%- set pad = identity_resolution._idr_lookup_pad -%}
    {%- set lines = [
        'Profile ' ~ profile['profile_id'] ~ ' (found by ' ~ checked['identifier_type'] ~ ' ' ~ checked['identifier_value'] ~ ')',
        '  first seen ' ~ profile['first_seen_at'] ~ ', last seen ' ~ profile['last_seen_at'] ~ '; '
            ~ profile['event_count'] ~ ' event' ~ ('s' if profile['event_count'] != 1 else '') ~ ', '
            ~ profile['identifier_count'] ~ ' identifier' ~ ('s' if profile['identifier_count'] != 1 else '')
            ~ '; named after ' ~ profile['profile_key_type'] ~ ' ' ~ profile['profile_key_value'],
        '',
        'Traits' ~ (':' if traits else ': none'),
    ] -%}
    {%- for name, trait_value in traits.items() -%}
        {%- do lines.append('  ' ~ pad(name, 14) ~ trait_value) -%}
    {%- endfor -%}
    {%- do lines.append('') -%}
    {%- do lines.append('Identifiers (' ~ identifiers | length ~ '):') -%}
    {%- do lines.append('  ' ~ pad('type', 14) ~ pad('value', 38) ~ pad('first seen', 21) ~ pad('last seen', 21)
        ~ pad('events', 8) ~ 'sources') -%}
    {%- for row in identifiers -%}
        {%- do lines.append('  ' ~ pad(row['identifier_type'], 14) ~ pad(row['identifier_value'], 38)
            ~ pad(row['first_seen_at'], 21) ~ pad(row['last_seen_at'], 21) ~ pad(row['event_count'], 8) ~ row['sources']
            ~ (' (profile named after it)' if row['is_profile_key'] else '')) -%}
    {%- endfor -%}
    {%- do lines.append('') -%}
    {%- do lines.append('Latest events (' ~ latest | length ~ ' of ' ~ profile['event_count'] ~ '):') -%}
    {%- for row in latest -%}
        {%- do lines.append('  ' ~ pad(row['occurred_at'], 21) ~ row['event_type']
            ~ (' "' ~ row['event_name'] ~ '"' if row['event_name'] else '') ~ ' ' ~ row['event_id']
            ~ ' (' ~ row['source_name'] ~ '), by ' ~ row['resolved_by_type'] ~ ' ' ~ row['resolved_by_value']) -%}
    {%- endfor -%}
    {%- do lines.append('') -%}
    {%- if merged | length == 0 -%}
        {%- do lines.append('Older profile ids pointing here: none') -%}
    {%- else -%}
        {%- do lines.append('Older profile ids pointing here (' ~ merged | length ~ '):') -%}
        {%- for row in merged -%}
            {%- do lines.append('  ' ~ row['merged_profile_id'] ~ '  published ' ~ row['first_published_at']
                ~ ', merged here ' ~ (row['retired_at'] or '')) -%}
        {%- endfor -%}
    {%- endif -%}

    {%- do identity_resolution._idr_lookup_say(format, lines | join('\n'), {
        'identifier': checked, 'status': 'found', 'message': checked['message'],
        'profile': profile, 'traits': traits, 'identifiers': identifiers, 'events': latest, 'merged_profile_ids': merged}) -%}
    {{ return('') }}
{% endmacro %}
