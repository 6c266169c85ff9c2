{#-
    Shortcut a forest of parent pointers until every node points at its root.

    relation               work table (node_id, parent_id); rewritten in place
    work_name              name for the scratch table
    label                  for the failure message
    allow_missing_parents  true when roots have no row of their own (a parent absent from
                           `relation` is a root); false when roots point at themselves

    Each step replaces a node's parent with its grandparent, so a chain of depth d takes
    O(log d) steps. Two steps run per check; fails at idr_max_rounds checks.
    Returns the number of steps taken.
-#}
{% macro idr_pointer_jump(relation, work_name, label, allow_missing_parents=false) %}
    {%- set max_rounds = identity_resolution.idr_max_rounds() -%}
    {%- set scratch = identity_resolution.idr_work_relation(work_name) -%}
    {%- set join = 'left join' if allow_missing_parents else 'inner join' -%}
    {%- set steps = [] -%}
    {%- for _ in range(max_rounds + 1) -%}
        {%- if steps | length >= 2 * max_rounds -%}
            {%- do identity_resolution.idr_fail_not_converged(label ~ ' (pointer jumping)', max_rounds) -%}
        {%- endif -%}
        {%- for source, target in [(relation, scratch), (scratch, relation)] -%}
            {%- do identity_resolution.idr_create_work_table(target,
                'select
                    child.node_id,
                    coalesce(parent.parent_id, child.parent_id) as parent_id,
                    case when parent.parent_id <> child.parent_id then 1 else 0 end as changed
                from ' ~ source ~ ' as child
                ' ~ join ~ ' ' ~ source ~ ' as parent on child.parent_id = parent.node_id') -%}
            {%- do steps.append(1) -%}
        {%- endfor -%}
        {%- if not identity_resolution.idr_has_rows(relation, 'changed = 1') -%}
            {%- break -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do identity_resolution.idr_drop_work_table(scratch) -%}
    {{ return(steps | length) }}
{% endmacro %}
