{#-
    Why two identifiers are (or are not) the same person:

        dbt run-operation idr_explain --args '{a: {type: email, value: jane@example.com}, b: {type: user_id, value: u1}}'
        dbt run-operation idr_explain --args '{a: {type: email, value: jane@example.com}}'
        ... --args '{a: ..., b: ..., format: json}'

    - In one profile: the chain of accepted links (edges) that joins them, each with the event that
      first carried both of its identifiers (a shortest chain, found hop by hop).
    - In two profiles: whether any chain of events links them at all (their connected component),
      and if so the refused links on the way between the profiles (fewest profiles crossed), each
      with the limit that refused it and the identifiers that collided.
    - One identifier: its profile and every link it has, joined or refused, with why.
    Values are normalised like input values; a blocked, invalid, suppressed or unknown value gets a
    sentence saying so. Each hop of a search is one query; more than idr_max_rounds hops fails.
-#}
{% macro idr_explain(a=none, b=none, format='text', max_links=50) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- if format not in ('text', 'json') -%}
        {{ exceptions.raise_compiler_error("identity_resolution: idr_explain format is 'text' or 'json'; got: " ~ format) }}
    {%- endif -%}
    {%- if a is none -%}
        {{ exceptions.raise_compiler_error("identity_resolution: idr_explain needs a: {type: ..., value: ...} (and optionally b)") }}
    {%- endif -%}
    {%- set cfg = identity_resolution.idr_config() -%}
    {%- set first = identity_resolution._idr_lookup_check(cfg, a) -%}
    {%- set second = identity_resolution._idr_lookup_check(cfg, b) if b is not none else none -%}
    {%- set result = {'a': first, 'b': second, 'links': [], 'profiles_crossed': []} -%}

    {%- if first['status'] != 'found' or (second is not none and second['status'] != 'found') -%}
        {%- set messages = [first['message']] + ([second['message']] if second is not none else []) -%}
        {%- do result.update({'verdict': 'not_found', 'message': ('Cannot explain: ' if second is not none else '')
            ~ messages | join(' ')}) -%}

    {%- elif second is none -%}
        {%- set found_links = identity_resolution._idr_explain_links(first['node_id'], max_links) -%}
        {%- set links = found_links['links'] -%}
        {%- set profile = identity_resolution._idr_lookup_rows(
            identity_resolution.idr_lookup_sql(first['identifier_type'], a['value'], 'profile'))[0] -%}
        {%- set lines = [identity_resolution._idr_explain_name(first) ~ ' is in profile ' ~ first['profile_id']
            ~ ' (' ~ profile['identifier_count'] ~ ' identifiers, named after ' ~ profile['profile_key_type'] ~ ' '
            ~ profile['profile_key_value'] ~ ').'] -%}
        {%- if links | length == 0 -%}
            {%- do lines.append('No event carried it together with another identifier: it is a profile on its own.') -%}
        {%- else -%}
            {%- do lines.append('Events carried it together with ' ~ found_links['count'] ~ ' other identifier'
                ~ ('s' if found_links['count'] > 1 else '')
                ~ (' (the first ' ~ links | length ~ ' here)' if found_links['count'] > links | length else '') ~ ':') -%}
            {%- for link in links -%}
                {%- set other = link['to'] if link['from']['node_id'] == first['node_id'] else link['from'] -%}
                {%- do lines.append('  ' ~ ('joined   ' if link['status'] == 'accepted' else 'refused  ')
                    ~ other['type'] ~ ' ' ~ other['value']
                    ~ (' (refused: ' ~ link['reason'] ~ ')' if link['status'] != 'accepted' else '')) -%}
                {%- do lines.append('           ' ~ identity_resolution._idr_explain_event(link)) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do result.update({'verdict': 'one_identifier', 'links': links, 'link_count': found_links['count'],
            'message': lines | join('\n')}) -%}

    {%- elif first['profile_id'] == second['profile_id'] -%}
        {%- set path = identity_resolution._idr_explain_path_in_profile(first['node_id'], second['node_id'], first['profile_id'], cfg) -%}
        {%- set links = identity_resolution._idr_explain_links_on(path) -%}
        {%- set lines = ['Same person: ' ~ identity_resolution._idr_explain_name(first) ~ ' and '
            ~ identity_resolution._idr_explain_name(second) ~ ' are both in profile ' ~ first['profile_id'] ~ '.'] -%}
        {%- if links | length == 0 -%}
            {%- do lines.append('They are the same identifier.') -%}
        {%- else -%}
            {%- do lines.append('They are joined by a chain of ' ~ links | length ~ ' link' ~ ('s' if links | length > 1 else '')
                ~ '; each link is an event that carried both identifiers:') -%}
            {%- for link in links -%}
                {%- do lines.append('  ' ~ loop.index ~ '. ' ~ link['from']['type'] ~ ' ' ~ link['from']['value'] ~ '  <->  '
                    ~ link['to']['type'] ~ ' ' ~ link['to']['value']) -%}
                {%- do lines.append('     ' ~ identity_resolution._idr_explain_event(link)) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do result.update({'verdict': 'same_profile', 'links': links, 'message': lines | join('\n')}) -%}

    {%- else -%}
        {%- set lines = ['Different people: ' ~ identity_resolution._idr_explain_name(first) ~ ' is in profile '
            ~ first['profile_id'] ~ ', ' ~ identity_resolution._idr_explain_name(second) ~ ' is in profile '
            ~ second['profile_id'] ~ '.'] -%}
        {%- set components = identity_resolution._idr_lookup_rows(
            'select node_id, cc_id from ' ~ ref('int_idr__node_components')
            ~ ' where node_id in (' ~ first['node_id'] ~ ', ' ~ second['node_id'] ~ ')') -%}
        {%- set cc = {} -%}
        {%- for row in components -%}
            {%- do cc.update({row['node_id']: row['cc_id']}) -%}
        {%- endfor -%}
        {%- if cc.get(first['node_id']) is none or cc.get(first['node_id']) != cc.get(second['node_id']) -%}
            {%- do lines.append('No event links them, directly or through other identifiers: nothing suggests they are one person.') -%}
            {%- do result.update({'verdict': 'not_connected', 'message': lines | join('\n')}) -%}
        {%- else -%}
            {%- set crossing = identity_resolution._idr_explain_path_between_profiles(first['profile_id'], second['profile_id'], cfg) -%}
            {%- set links = identity_resolution._idr_explain_links_on(crossing['pairs']) -%}
            {%- do lines.append('Events do link them, but the chain between them has ' ~ links | length ~ ' link'
                ~ ('s' if links | length > 1 else '') ~ ' that ' ~ ('were' if links | length > 1 else 'was')
                ~ ' refused, because joining would have broken a limit:') -%}
            {%- for link in links -%}
                {%- do lines.append('  ' ~ loop.index ~ '. ' ~ link['from']['type'] ~ ' ' ~ link['from']['value'] ~ '  <->  '
                    ~ link['to']['type'] ~ ' ' ~ link['to']['value']) -%}
                {%- do lines.append('     refused: ' ~ link['reason']) -%}
                {%- do lines.append('     ' ~ identity_resolution._idr_explain_event(link)) -%}
            {%- endfor -%}
            {%- if crossing['profiles'] | length > 2 -%}
                {%- do lines.append('The chain passes through profile' ~ ('s ' if crossing['profiles'] | length > 3 else ' ')
                    ~ crossing['profiles'][1:-1] | join(', ') ~ '.') -%}
            {%- endif -%}
            {%- do result.update({'verdict': 'different_profiles', 'links': links, 'profiles_crossed': crossing['profiles'],
                'message': lines | join('\n')}) -%}
        {%- endif -%}
    {%- endif -%}

    {%- do identity_resolution._idr_lookup_say(format, result['message'], result) -%}
    {{ return('') }}
{% endmacro %}


{#- 'type value' of a checked identifier. -#}
{% macro _idr_explain_name(checked) %}
    {{- return(checked['identifier_type'] ~ ' ' ~ checked['identifier_value']) -}}
{% endmacro %}


{#- 'first together in identify e1 (segment.identifies) on 2024-01-01 09:00:00; 3 events in all' -#}
{% macro _idr_explain_event(link) %}
    {%- set event = link['first_event'] -%}
    {%- if event is none -%}
        {{ return('seen together in ' ~ link['event_count'] ~ ' event(s)') }}
    {%- endif -%}
    {{ return('first together in ' ~ event['event_type'] ~ (' "' ~ event['event_name'] ~ '"' if event['event_name'] else '')
        ~ ' ' ~ event['event_id'] ~ ' (' ~ event['source_name'] ~ ') on ' ~ event['occurred_at']
        ~ '; ' ~ link['event_count'] ~ ' event' ~ ('s' if link['event_count'] != 1 else '') ~ ' in all') }}
{% endmacro %}


{#- The links (edges) touching node `node_id`, joined ones first, then by when they were first seen:
    at most `max_links` of them, described, and how many there are in all. -#}
{% macro _idr_explain_links(node_id, max_links) %}
    {%- set rows = identity_resolution._idr_lookup_rows(
        'select edges.node_a, edges.node_b, count(*) over () as link_count'
        ~ ' from ' ~ ref('int_idr__edges') ~ ' as edges'
        ~ ' inner join ' ~ ref('int_idr__node_profiles') ~ ' as profile_a on edges.node_a = profile_a.node_id'
        ~ ' inner join ' ~ ref('int_idr__node_profiles') ~ ' as profile_b on edges.node_b = profile_b.node_id'
        ~ ' where edges.node_a = ' ~ node_id ~ ' or edges.node_b = ' ~ node_id
        ~ ' order by case when profile_a.profile_id = profile_b.profile_id then 0 else 1 end,'
        ~ ' edges.first_seen_at, edges.node_a, edges.node_b'
        ~ ' limit ' ~ max_links) -%}
    {%- set pairs = [] -%}
    {%- for row in rows -%}
        {%- do pairs.append([row['node_a'], row['node_b']]) -%}
    {%- endfor -%}
    {{ return({'links': identity_resolution._idr_explain_links_on(pairs),
               'count': rows[0]['link_count'] if rows | length > 0 else 0}) }}
{% endmacro %}


{#- The links (edges) between consecutive nodes of `pairs` ([node, node] in either direction), in
    that order: {from, to: {node_id, type, value}, status, reason, first_seen_at, event_count,
    first_event: {source_name, event_id, event_type, event_name, occurred_at}}. -#}
{% macro _idr_explain_links_on(pairs) %}
    {%- if pairs | length == 0 -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set conditions = [] -%}
    {%- for pair in pairs -%}
        {%- do conditions.append('(edges.node_a = ' ~ pair[0] ~ ' and edges.node_b = ' ~ pair[1] ~ ')') -%}
        {%- do conditions.append('(edges.node_a = ' ~ pair[1] ~ ' and edges.node_b = ' ~ pair[0] ~ ')') -%}
    {%- endfor -%}
    {%- set sql %}
with wanted as (

    select edges.*
    from {{ ref('int_idr__edges') }} as edges
    where {{ conditions | join('\n        or ') }}

),

firsts as (

    select *
    from (
        select
            occurrences.anchor_node_id as node_a,
            occurrences.node_id as node_b,
            events.source_name,
            events.event_id,
            events.event_type,
            events.event_name,
            events.occurred_at,
            row_number() over (
                partition by occurrences.anchor_node_id, occurrences.node_id
                order by events.occurred_at, events.source_name, events.event_id
            ) as event_order
        from {{ ref('int_idr__occurrences') }} as occurrences
        inner join wanted
            on occurrences.anchor_node_id = wanted.node_a
            and occurrences.node_id = wanted.node_b
        inner join {{ ref('int_idr__events') }} as events
            on occurrences.event_key = events.event_key
        where occurrences.is_current
    ) as ranked
    where event_order = 1

)

select
    wanted.node_a,
    wanted.node_b,
    end_a.identifier_type as type_a,
    end_a.identifier_value as value_a,
    end_b.identifier_type as type_b,
    end_b.identifier_value as value_b,
    case when profile_a.profile_id = profile_b.profile_id then 'accepted' else 'rejected' end as status,
    marts.rejection_reason,
    wanted.first_seen_at,
    wanted.event_count,
    firsts.source_name,
    firsts.event_id,
    firsts.event_type,
    firsts.event_name,
    firsts.occurred_at
from wanted
inner join {{ ref('int_idr__nodes') }} as end_a
    on wanted.node_a = end_a.node_id
inner join {{ ref('int_idr__nodes') }} as end_b
    on wanted.node_b = end_b.node_id
inner join {{ ref('int_idr__node_profiles') }} as profile_a
    on wanted.node_a = profile_a.node_id
inner join {{ ref('int_idr__node_profiles') }} as profile_b
    on wanted.node_b = profile_b.node_id
left join {{ ref('idr_edges') }} as marts
    on end_a.identifier_type = marts.identifier_type_a
    and end_a.identifier_value = marts.identifier_value_a
    and end_b.identifier_type = marts.identifier_type_b
    and end_b.identifier_value = marts.identifier_value_b
left join firsts
    on wanted.node_a = firsts.node_a
    and wanted.node_b = firsts.node_b
    {%- endset -%}
    {%- set by_pair = {} -%}
    {%- for row in identity_resolution._idr_lookup_rows(sql) -%}
        {%- set end_a = {'node_id': row['node_a'], 'type': row['type_a'], 'value': row['value_a']} -%}
        {%- set end_b = {'node_id': row['node_b'], 'type': row['type_b'], 'value': row['value_b']} -%}
        {%- set link = {'status': row['status'], 'reason': row['rejection_reason'], 'first_seen_at': row['first_seen_at'],
            'event_count': row['event_count'],
            'first_event': none if row['event_id'] is none else {'source_name': row['source_name'], 'event_id': row['event_id'],
                'event_type': row['event_type'], 'event_name': row['event_name'], 'occurred_at': row['occurred_at']}} -%}
        {%- do by_pair.update({(row['node_a'] | string) ~ '-' ~ (row['node_b'] | string): [end_a, end_b, link]}) -%}
    {%- endfor -%}
    {%- set links = [] -%}
    {%- for pair in pairs -%}
        {%- set forward = by_pair.get((pair[0] | string) ~ '-' ~ (pair[1] | string)) -%}
        {%- set backward = by_pair.get((pair[1] | string) ~ '-' ~ (pair[0] | string)) -%}
        {%- set found = forward or backward -%}
        {%- if found is not none -%}
            {%- set link = found[2].copy() -%}
            {#- oriented along the chain: from pair[0] to pair[1] -#}
            {%- do link.update({'from': found[0] if forward else found[1], 'to': found[1] if forward else found[0]}) -%}
            {%- do links.append(link) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(links) }}
{% endmacro %}


{#- A shortest chain of links inside profile `profile_id` from node `start` to node `goal`: a list
    of [node, node] pairs. Breadth-first from both ends, one query per hop (the smaller frontier). -#}
{% macro _idr_explain_path_in_profile(start, goal, profile_id, cfg) %}
    {%- if start == goal -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set parents = {'a': {start: none}, 'b': {goal: none}} -%}
    {%- set state = namespace(frontier_a=[start], frontier_b=[goal], meet=none) -%}
    {%- for hop in range(cfg['settings']['max_rounds']) -%}
        {%- if state.meet is not none or state.frontier_a | length == 0 or state.frontier_b | length == 0 -%}
            {%- break -%}
        {%- endif -%}
        {%- set side = 'a' if state.frontier_a | length <= state.frontier_b | length else 'b' -%}
        {%- set other = 'b' if side == 'a' else 'a' -%}
        {%- set frontier = state.frontier_a if side == 'a' else state.frontier_b -%}
        {%- set ids = frontier | join(', ') -%}
        {%- set rows = identity_resolution._idr_lookup_rows(
            'select edges.node_a, edges.node_b from ' ~ ref('int_idr__edges') ~ ' as edges'
            ~ ' inner join ' ~ ref('int_idr__node_profiles') ~ ' as profile_a on edges.node_a = profile_a.node_id'
            ~ ' inner join ' ~ ref('int_idr__node_profiles') ~ ' as profile_b on edges.node_b = profile_b.node_id'
            ~ ' where profile_a.profile_id = ' ~ identity_resolution.idr_string_literal(profile_id)
            ~ ' and profile_b.profile_id = ' ~ identity_resolution.idr_string_literal(profile_id)
            ~ ' and (edges.node_a in (' ~ ids ~ ') or edges.node_b in (' ~ ids ~ '))'
            ~ ' order by edges.first_seen_at, edges.node_a, edges.node_b') -%}
        {%- set reached = [] -%}
        {%- for row in rows -%}
            {%- for step in [[row['node_a'], row['node_b']], [row['node_b'], row['node_a']]] -%}
                {%- if step[0] in frontier and step[1] not in parents[side] -%}
                    {%- do parents[side].update({step[1]: step[0]}) -%}
                    {%- do reached.append(step[1]) -%}
                    {%- if state.meet is none and step[1] in parents[other] -%}
                        {%- set state.meet = step[1] -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if side == 'a' -%}
            {%- set state.frontier_a = reached -%}
        {%- else -%}
            {%- set state.frontier_b = reached -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if state.meet is none -%}
        {{ exceptions.raise_compiler_error("identity_resolution: idr_explain found no chain of links inside profile "
            ~ profile_id ~ " within idr_max_rounds (" ~ cfg['settings']['max_rounds'] ~ ") hops; raise idr_max_rounds") }}
    {%- endif -%}
    {#- the chain: start ... meet (parents on side a, walked back), then meet ... goal (side b) -#}
    {%- set nodes = [state.meet] -%}
    {%- set walk = namespace(node=state.meet) -%}
    {%- for _ in range(parents['a'] | length) if parents['a'][walk.node] is not none -%}
        {%- set walk.node = parents['a'][walk.node] -%}
        {%- do nodes.insert(0, walk.node) -%}
    {%- endfor -%}
    {%- set walk.node = state.meet -%}
    {%- for _ in range(parents['b'] | length) if parents['b'][walk.node] is not none -%}
        {%- set walk.node = parents['b'][walk.node] -%}
        {%- do nodes.append(walk.node) -%}
    {%- endfor -%}
    {%- set pairs = [] -%}
    {%- for node in nodes[1:] -%}
        {%- do pairs.append([nodes[loop.index0], node]) -%}
    {%- endfor -%}
    {{ return(pairs) }}
{% endmacro %}


{#- Between two profiles of one connected component: a chain crossing the fewest profiles, as
    {profiles: [from ... to], pairs: the refused links crossed, [node, node] each}. Breadth-first over
    profiles, one query per hop. -#}
{% macro _idr_explain_path_between_profiles(start, goal, cfg) %}
    {%- set parents = {start: none} -%}
    {%- set state = namespace(frontier=[start], done=false) -%}
    {%- for hop in range(cfg['settings']['max_rounds']) -%}
        {%- if state.done or state.frontier | length == 0 -%}
            {%- break -%}
        {%- endif -%}
        {%- set literals = [] -%}
        {%- for profile in state.frontier -%}
            {%- do literals.append(identity_resolution.idr_string_literal(profile)) -%}
        {%- endfor -%}
        {%- set rows = identity_resolution._idr_lookup_rows(
            'select profile_a.profile_id as profile_a, profile_b.profile_id as profile_b, edges.node_a, edges.node_b'
            ~ ' from ' ~ ref('int_idr__edges') ~ ' as edges'
            ~ ' inner join ' ~ ref('int_idr__node_profiles') ~ ' as profile_a on edges.node_a = profile_a.node_id'
            ~ ' inner join ' ~ ref('int_idr__node_profiles') ~ ' as profile_b on edges.node_b = profile_b.node_id'
            ~ ' where profile_a.profile_id <> profile_b.profile_id'
            ~ ' and (profile_a.profile_id in (' ~ literals | join(', ') ~ ') or profile_b.profile_id in ('
            ~ literals | join(', ') ~ '))'
            ~ ' order by edges.first_seen_at, edges.node_a, edges.node_b') -%}
        {%- set reached = [] -%}
        {%- for row in rows -%}
            {%- for step in [[row['profile_a'], row['profile_b'], row['node_a'], row['node_b']],
                             [row['profile_b'], row['profile_a'], row['node_b'], row['node_a']]] -%}
                {%- if step[0] in state.frontier and step[1] not in parents -%}
                    {%- do parents.update({step[1]: [step[0], step[2], step[3]]}) -%}
                    {%- do reached.append(step[1]) -%}
                    {%- if step[1] == goal -%}
                        {%- set state.done = true -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set state.frontier = reached -%}
    {%- endfor -%}
    {%- if goal not in parents -%}
        {{ exceptions.raise_compiler_error("identity_resolution: idr_explain found no chain between profiles " ~ start
            ~ " and " ~ goal ~ " within idr_max_rounds (" ~ cfg['settings']['max_rounds'] ~ ") hops; raise idr_max_rounds") }}
    {%- endif -%}
    {%- set profiles = [goal] -%}
    {%- set pairs = [] -%}
    {%- set walk = namespace(profile=goal) -%}
    {%- for _ in range(parents | length) if parents[walk.profile] is not none -%}
        {%- set step = parents[walk.profile] -%}
        {%- do pairs.insert(0, [step[1], step[2]]) -%}
        {%- set walk.profile = step[0] -%}
        {%- do profiles.insert(0, walk.profile) -%}
    {%- endfor -%}
    {{ return({'profiles': profiles, 'pairs': pairs}) }}
{% endmacro %}
