"""A plain hand-written single-script DuckDB pipeline: the yardstick for the package's speed.

It does what a competent engineer would write by hand, with no dbt and no merge protection:
normalise and block identifiers (same rules as the package), collapse duplicate deliveries, link
each event's highest-priority identifier to its other identifiers (a star per event), connected
components by a min-label loop with pointer jumping, then stamp every event with its component
and persist the stamped events and the identifier -> profile map. Intermediates are temp tables.

    python bench/handwritten_baseline.py path/to/raw.duckdb
"""

from __future__ import annotations

import argparse
import time

import duckdb

BLOCKED = "('', 'null', 'none', 'nil', 'undefined', 'nan', 'n/a', '-1', 'anonymous', 'unknown')"


def _clean(column: str, kind: str = "trim") -> str:
    value = f"trim(cast({column} as varchar))"
    if kind == "email":
        normalised = f"lower({value})"
    elif kind == "phone":
        normalised = (f"case when {value} like '+%' then '+' else '' end || "
                      f"regexp_replace({value}, '[^0-9]', '', 'g')")
    else:
        normalised = value
    return (f"case when lower({value}) in {BLOCKED} or regexp_full_match({value}, '^[0-]*$') "
            f"or {normalised} = '' then null else {normalised} end")


def _segment(table: str, columns: set[str]) -> str:
    def col(name: str, kind: str = "trim") -> str:
        return _clean(name, kind) if name in columns else "null"

    def device(platform: str, column: str, ad: bool) -> str:
        if column not in columns or "context_device_type" not in columns:
            return "null"
        cond = f"lower(context_device_type) = '{platform}'"
        if ad:
            cond += " and lower(cast(context_device_ad_tracking_enabled as varchar)) in ('true', 't', '1')"
        return f"case when {cond} then {_clean(column)} end"

    email2 = col("context_traits_email", "email")
    return f"""
        select 'segment.{table}' as source_name, cast(id as varchar) as event_id, "timestamp" as occurred_at,
            {col('user_id')} as user_id, {col('anonymous_id')} as anonymous_id,
            {col('email', 'email')} as email, {email2} as email2,
            {col('phone', 'phone')} as phone, {col('context_traits_phone', 'phone')} as phone2,
            {device('ios', 'context_device_id', False)} as ios_id,
            {device('android', 'context_device_id', False)} as android_id,
            {device('ios', 'context_device_advertising_id', True)} as ios_idfa,
            {device('android', 'context_device_advertising_id', True)} as android_idfa
        from segment.{table}"""


def run(path: str) -> dict[str, float]:
    con = duckdb.connect(path)
    timings: dict[str, float] = {}

    def step(name: str, sql: str) -> None:
        started = time.perf_counter()
        con.execute(sql).fetchall()
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started

    tables = {}
    for table in ("identifies", "tracks", "pages"):
        tables[table] = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'segment' "
            f"and table_name = '{table}'").fetchall()}
    crm = f"""
        select 'crm_contacts', cast(contact_id as varchar), created_at, null, null, {_clean('email', 'email')},
            null, {_clean('phone', 'phone')}, null, null, null, null, null
        from crm.contacts"""
    union = " union all ".join([_segment(t, c) for t, c in tables.items()] + [crm])
    # identifiers in priority order: user_id, email, then the rest alphabetically
    slots = [("user_id", "user_id"), ("email", "email"), ("email", "email2"), ("android.id", "android_id"),
             ("android.idfa", "android_idfa"), ("anonymous_id", "anonymous_id"), ("ios.id", "ios_id"),
             ("ios.idfa", "ios_idfa"), ("phone", "phone"), ("phone", "phone2")]
    anchor_type = "case " + " ".join(f"when {c} is not null then '{t}'" for t, c in slots) + " end"
    anchor_value = "coalesce(" + ", ".join(c for _, c in slots) + ")"
    step("events", f"""
        create or replace temp table events as
        select source_name, event_id, min(occurred_at) as occurred_at,
            min(user_id) as user_id, min(anonymous_id) as anonymous_id, min(email) as email, min(email2) as email2,
            min(phone) as phone, min(phone2) as phone2, min(ios_id) as ios_id, min(android_id) as android_id,
            min(ios_idfa) as ios_idfa, min(android_idfa) as android_idfa
        from ({union}) group by source_name, event_id""")
    step("events", f"""
        create or replace temp table events as
        select *, {anchor_type} as anchor_type, {anchor_value} as anchor_value from events""")
    step("long", f"""
        create or replace temp table long as
        select source_name, event_id, occurred_at, anchor_type, anchor_value,
            unnest([{', '.join(f"{{'t': '{t}', 'v': {c}}}" for t, c in slots)}]) as id
        from events""")
    step("nodes", """
        create or replace temp table nodes as
        select row_number() over () as node_id, t as identifier_type, v as identifier_value
        from (select distinct id.t as t, id.v as v from long where id.v is not null)""")
    step("edges", """
        create or replace temp table edges as
        select distinct least(a.node_id, b.node_id) as a, greatest(a.node_id, b.node_id) as b
        from long
        join nodes a on long.anchor_type = a.identifier_type and long.anchor_value = a.identifier_value
        join nodes b on long.id.t = b.identifier_type and long.id.v = b.identifier_value
        where a.node_id <> b.node_id""")
    # connected components: min-label propagation with pointer jumping until nothing changes
    step("components", """
        create or replace temp table labels as
        select node_id, node_id as label from nodes""")
    rounds = 0
    while True:
        rounds += 1
        step("components", """
            create or replace temp table labels as
            with candidate as (
                select l.node_id, min(least(l.label, n.label)) as label
                from labels l
                left join (select a as x, b as y from edges union all select b, a from edges) e on l.node_id = e.x
                left join labels n on e.y = n.node_id
                group by l.node_id
            )
            select c.node_id, least(c.label, p.label) as label
            from candidate c join candidate p on c.label = p.node_id""")
        changed = con.execute("""
            select count(*) from edges e join labels la on e.a = la.node_id join labels lb on e.b = lb.node_id
            where la.label <> lb.label""").fetchall()[0][0]
        if changed == 0:
            break
    timings["rounds"] = rounds
    step("stamp", """
        create or replace table baseline_identifiers as
        select n.identifier_type, n.identifier_value, md5(cast(l.label as varchar)) as profile_id
        from nodes n join labels l using (node_id)""")
    step("stamp", """
        create or replace table baseline_events as
        select e.source_name, e.event_id, e.occurred_at, i.profile_id
        from events e
        left join baseline_identifiers i
            on e.anchor_type = i.identifier_type and e.anchor_value = i.identifier_value""")
    con.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="DuckDB file with schemas segment (identifies, tracks, pages) and crm (contacts)")
    args = parser.parse_args()
    started = time.perf_counter()
    timings = run(args.path)
    total = time.perf_counter() - started
    for name, seconds in timings.items():
        print(f"{name:>12}: {seconds:8.2f}" if name != "rounds" else f"{name:>12}: {int(seconds)}")
    print(f"{'total':>12}: {total:8.2f}")


if __name__ == "__main__":
    main()
