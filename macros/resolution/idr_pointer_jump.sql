{#-
    Shortcut a forest of parent pointers until every node points at its root.

    relation               work table (node_id, parent_id)
    work_name              name for the second table the steps alternate with
    label                  for the failure message
    max_rounds             the cap on steps (idr_max_rounds)
    allow_missing_parents  true when roots have no row of their own (a parent absent from
                           `relation` is a root); false when roots point at themselves

    Each step replaces a node's parent with its grandparent, so a chain of depth d takes
    O(log d) steps, and looks one level further to see whether the new parent is a root: when
    every new parent is, the loop ends without a step that changes nothing (one step for a forest
    of depth 2). Fails at max_rounds steps.
    Returns {'relation': the table holding the result (`relation` or the scratch table; drop the
    other), 'scratch': the other one, 'steps': steps taken}.
-#}
{% macro idr_pointer_jump(relation, work_name, label, max_rounds, allow_missing_parents=false) %}
    {%- set tables = [relation, identity_resolution.idr_work_relation(work_name)] -%}
    {%- set join = 'left join' if allow_missing_parents else 'inner join' -%}
    {%- set state = {'name': label ~ ' (pointer jumping)', 'max_rounds': max_rounds, 'round': 0} -%}
    {%- for _ in range(max_rounds + 1) -%}
        {%- do identity_resolution.idr_loop_round(state) -%}
        {%- set source = tables[(state['round'] - 1) % 2] -%}
        {%- set target = tables[state['round'] % 2] -%}
        {%- do identity_resolution.idr_create_work_table(target,
            'select
                child.node_id,
                coalesce(parent.parent_id, child.parent_id) as parent_id,
                case when coalesce(grandparent.parent_id, parent.parent_id, child.parent_id)
                    <> coalesce(parent.parent_id, child.parent_id) then 1 else 0 end as not_root
            from ' ~ source ~ ' as child
            ' ~ join ~ ' ' ~ source ~ ' as parent on child.parent_id = parent.node_id
            left join ' ~ source ~ ' as grandparent on parent.parent_id = grandparent.node_id') -%}
        {%- if not identity_resolution.idr_has_rows(target, 'not_root = 1') -%}
            {%- break -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'relation': tables[state['round'] % 2], 'scratch': tables[(state['round'] + 1) % 2],
               'steps': state['round']}) }}
{% endmacro %}
