"""Hand-written DuckDB pipelines over the same raw tables: the yardsticks for the package's speed.

`competent` (the default) is what a competent engineer would write in one file, with no dbt, no
merge protection, no deduplication of deliveries, no traits and no tests. In temp tables with
integer keys:

  1. every delivered row keyed by an integer (its table's number and its rowid), its identifiers
     normalised and blocked (the package's default rules: trimmed; emails in lower case; phones as
     a leading '+' and the digits; blocked values and all-zero values dropped), then one row per
     identifier occurrence (row, type, value);
  2. the distinct identifiers numbered by row_number (the node ids);
  3. a star per event: its highest-priority identifier (arg_min over the slot order user_id,
     email, ..., phone) linked to each of its other identifiers, as integer pairs with first_seen;
  4. connected components: each round hooks every node to its smallest neighbour, jumps pointers
     until nothing changes, and contracts the edge list onto the roots, until no edge is left;
  5. every delivered row stamped with its component (one narrow table, baseline_events: its event
     id read from the raw table again by rowid), and the identifier -> component map
     (baseline_identifiers).

`legacy` is the script the benchmark used before (deliveries collapsed by event id, identifiers
joined back by their text, min-label propagation over the whole node table every round); kept as a
second yardstick, so that ratios measured against it stay comparable.

Both run with the DuckDB settings of the package's profile (profiles/profiles.yml, target duckdb:
memory_limit from IDR_DUCKDB_MEMORY_LIMIT, preserve_insertion_order), and DuckDB's default thread
count, as dbt-duckdb does (a profile's `threads` is dbt's model concurrency, not DuckDB's).

    python -m bench.handwritten_baseline path/to/raw.duckdb [--method competent|legacy] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("competent", "legacy")
BLOCKED = "('', 'null', 'none', 'nil', 'undefined', 'nan', 'n/a', '-1', 'anonymous', 'unknown')"
# identifier slots in priority order (the anchor of an event is its first non-null slot): type, column
SLOTS = (("user_id", "user_id"), ("email", "email"), ("email", "email2"), ("android.id", "android_id"),
         ("android.idfa", "android_idfa"), ("anonymous_id", "anonymous_id"), ("ios.id", "ios_id"),
         ("ios.idfa", "ios_idfa"), ("phone", "phone"), ("phone", "phone2"))
TYPES = tuple(dict.fromkeys(t for t, _ in SLOTS))


def profile_settings(profiles_dir: Path = ROOT / "profiles", target: str = "duckdb") -> dict:
    """The DuckDB `settings` of the package's profile, rendered as dbt would (env_var with default)."""
    import jinja2
    import yaml

    profiles = yaml.safe_load((profiles_dir / "profiles.yml").read_text())
    output = profiles["identity_resolution"]["outputs"][target]

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise KeyError(f"environment variable {name} is not set and has no default")
        return default

    environment = jinja2.Environment()
    return {key: environment.from_string(value).render(env_var=env_var) if isinstance(value, str) else value
            for key, value in (output.get("settings") or {}).items()}


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


# the raw tables, in order; a delivered row's integer key is its table's number << 40 | its rowid
RAW = (("segment.identifies", "id", "timestamp"), ("segment.tracks", "id", "timestamp"),
       ("segment.pages", "id", "timestamp"), ("crm.contacts", "contact_id", "created_at"))
ROW_KEY_SHIFT = 40


def _keys(table: str, id_column: str, by_rowid: bool) -> str:
    if by_rowid:
        number = [name for name, _, _ in RAW].index(table)
        return f"(rowid + {number << ROW_KEY_SHIFT})::bigint as row_no"
    source_name = "crm_contacts" if table == "crm.contacts" else table
    return f"'{source_name}' as source_name, cast({id_column} as varchar) as event_id"


def _segment(table: str, columns: set[str], by_rowid: bool) -> str:
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
        select {_keys(f"segment.{table}", "id", by_rowid)}, "timestamp" as occurred_at,
            {col('user_id')} as user_id, {col('anonymous_id')} as anonymous_id,
            {col('email', 'email')} as email, {email2} as email2,
            {col('phone', 'phone')} as phone, {col('context_traits_phone', 'phone')} as phone2,
            {device('ios', 'context_device_id', False)} as ios_id,
            {device('android', 'context_device_id', False)} as android_id,
            {device('ios', 'context_device_advertising_id', True)} as ios_idfa,
            {device('android', 'context_device_advertising_id', True)} as android_idfa
        from segment.{table}"""


def _raw_rows(con: duckdb.DuckDBPyConnection, by_rowid: bool = False) -> str:
    """One select over every delivered row: its key (source_name and event_id, or by_rowid: row_no,
    the table's number and the row's rowid), occurred_at, one column per slot."""
    tables = {}
    for table in ("identifies", "tracks", "pages"):
        tables[table] = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'segment' "
            f"and table_name = '{table}'").fetchall()}
    crm = f"""
        select {_keys("crm.contacts", "contact_id", by_rowid)}, created_at, null, null, {_clean('email', 'email')},
            null, {_clean('phone', 'phone')}, null, null, null, null, null
        from crm.contacts"""
    return " union all ".join([_segment(t, c, by_rowid) for t, c in tables.items()] + [crm])


class _Steps:
    """Runs statements, fetching every result, and adds up the seconds per step name."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, sql: str) -> list[tuple]:
        started = time.perf_counter()
        rows = self.con.execute(sql).fetchall()
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        return rows


def run_competent(con: duckdb.DuckDBPyConnection) -> dict:
    step = _Steps(con)
    slot_columns = ", ".join(column for _, column in SLOTS)
    step("read", f"""
        create temp table delivered as
        select row_no, occurred_at, {slot_columns} from ({_raw_rows(con, by_rowid=True)})""")
    # one row per identifier occurrence: the slot number is the priority (0 = user_id, the strongest)
    type_code = {name: number for number, name in enumerate(TYPES)}
    step("occurrences", "create temp table occurrences as " + " union all ".join(
        f"select row_no, occurred_at, {slot}::utinyint as slot, {type_code[t]}::utinyint as type_code, "
        f"{column} as identifier_value from delivered where {column} is not null"
        for slot, (t, column) in enumerate(SLOTS)))
    step("nodes", """
        create temp table nodes as
        select row_number() over () as node_id, type_code, identifier_value
        from (select distinct type_code, identifier_value from occurrences)""")
    step("nodes", """
        create temp table occurrence_nodes as
        select occurrences.row_no, occurrences.slot, occurrences.occurred_at, nodes.node_id
        from occurrences
        inner join nodes
            on occurrences.type_code = nodes.type_code and occurrences.identifier_value = nodes.identifier_value""")
    step("edges", """
        create temp table anchors as
        select row_no, arg_min(node_id, slot) as anchor_id
        from occurrence_nodes group by row_no""")
    step("edges", """
        create temp table edges as
        select anchors.anchor_id as node_a, occurrence_nodes.node_id as node_b,
            min(occurrence_nodes.occurred_at) as first_seen_at
        from occurrence_nodes
        inner join anchors on occurrence_nodes.row_no = anchors.row_no
        where occurrence_nodes.node_id <> anchors.anchor_id
        group by all""")
    # connected components: hook to the smallest neighbour, jump pointers to a fixed point, contract
    step("components", """
        create temp table contracted_0 as
        select distinct least(node_a, node_b) as node_a, greatest(node_a, node_b) as node_b from edges""")
    rounds = jumps = 0
    parents: list[str] = []  # per round, the table of node -> root of that round's graph
    while step("components", f"select count(*) from contracted_{rounds}")[0][0] > 0:
        rounds += 1
        parent = f"parent_{rounds}_0"
        step("components", f"""
            create temp table {parent} as
            select node_a as node_id, least(node_a, min(node_b)) as parent_id
            from (select node_a, node_b from contracted_{rounds - 1}
                  union all select node_b, node_a from contracted_{rounds - 1})
            group by node_a""")
        for jump in range(1, 64):
            jumps += 1
            jumped = f"parent_{rounds}_{jump}"
            step("components", f"""
                create temp table {jumped} as
                select child.node_id, grand.parent_id, grand.parent_id <> child.parent_id as moved
                from {parent} as child
                inner join {parent} as grand on child.parent_id = grand.node_id""")
            step("components", f"drop table {parent}")
            parent = jumped
            if step("components", f"select count(*) from {parent} where moved")[0][0] == 0:
                break
        else:
            raise RuntimeError("pointer jumping did not reach a fixed point")
        parents.append(parent)
        step("components", f"""
            create temp table contracted_{rounds} as
            select distinct least(a.parent_id, b.parent_id) as node_a, greatest(a.parent_id, b.parent_id) as node_b
            from contracted_{rounds - 1} as edges
            inner join {parent} as a on edges.node_a = a.node_id
            inner join {parent} as b on edges.node_b = b.node_id
            where a.parent_id <> b.parent_id""")
        step("components", f"drop table contracted_{rounds - 1}")
    # the root of every node that had an edge: compose the rounds' parents, from the last round back
    roots = "(select 0::bigint as node_id, 0::bigint as root_id limit 0)"
    for r in range(rounds, 0, -1):
        step("components", f"""
            create temp table root_after_{r} as
            select parent.node_id, coalesce(later.root_id, parent.parent_id) as root_id
            from {parents[r - 1]} as parent
            left join {roots} as later on parent.parent_id = later.node_id""")
        roots = f"root_after_{r}"
    types = "[" + ", ".join(f"'{t}'" for t in TYPES) + "]"
    step("write", f"""
        create or replace table baseline_identifiers as
        select {types}[nodes.type_code + 1] as identifier_type, nodes.identifier_value,
            coalesce(roots.root_id, nodes.node_id) as component_id
        from nodes
        left join {roots} as roots on nodes.node_id = roots.node_id""")
    # the event ids are read from the raw tables again, by rowid: never copied through the pipeline
    keys = " union all ".join(
        f"select {_keys(table, id_column, False)}, {_keys(table, id_column, True)} from {table}"
        for table, id_column, _ in RAW)
    step("write", f"""
        create or replace table baseline_events as
        select raw.source_name, raw.event_id, coalesce(roots.root_id, anchors.anchor_id) as component_id
        from ({keys}) as raw
        left join anchors on raw.row_no = anchors.row_no
        left join {roots} as roots on anchors.anchor_id = roots.node_id""")
    counts = step("write", """
        select (select count(*) from delivered), (select count(*) from occurrences), (select count(*) from nodes),
            (select count(*) from edges), (select count(distinct component_id) from baseline_identifiers)""")[0]
    return {"steps": step.seconds, "rounds": rounds, "pointer_jumps": jumps,
            "rows": dict(zip(("delivered rows", "occurrences", "identifiers", "edges", "components"), counts,
                             strict=True))}


def run_legacy(con: duckdb.DuckDBPyConnection) -> dict:
    step = _Steps(con)
    slots = [(t, c) for t, c in SLOTS]
    anchor_type = "case " + " ".join(f"when {c} is not null then '{t}'" for t, c in slots) + " end"
    anchor_value = "coalesce(" + ", ".join(c for _, c in slots) + ")"
    step("events", f"""
        create or replace temp table events as
        select source_name, event_id, min(occurred_at) as occurred_at,
            min(user_id) as user_id, min(anonymous_id) as anonymous_id, min(email) as email, min(email2) as email2,
            min(phone) as phone, min(phone2) as phone2, min(ios_id) as ios_id, min(android_id) as android_id,
            min(ios_idfa) as ios_idfa, min(android_idfa) as android_idfa
        from ({_raw_rows(con)}) group by source_name, event_id""")
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
    step("components", "create or replace temp table labels as select node_id, node_id as label from nodes")
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
        changed = step("components", """
            select count(*) from edges e join labels la on e.a = la.node_id join labels lb on e.b = lb.node_id
            where la.label <> lb.label""")[0][0]
        if changed == 0:
            break
    step("write", """
        create or replace table baseline_identifiers as
        select n.identifier_type, n.identifier_value, md5(cast(l.label as varchar)) as profile_id
        from nodes n join labels l using (node_id)""")
    step("write", """
        create or replace table baseline_events as
        select e.source_name, e.event_id, e.occurred_at, i.profile_id
        from events e
        left join baseline_identifiers i
            on e.anchor_type = i.identifier_type and e.anchor_value = i.identifier_value""")
    counts = step("write", """
        select (select count(*) from events), (select count(*) from nodes), (select count(*) from edges),
            (select count(distinct profile_id) from baseline_identifiers)""")[0]
    return {"steps": step.seconds, "rounds": rounds,
            "rows": dict(zip(("events", "identifiers", "edges", "components"), counts, strict=True))}


def run(path: str | Path, method: str = "competent", settings: dict | None = None) -> dict:
    """Run one pipeline on the DuckDB file `path` (it writes baseline_events and baseline_identifiers
    there); return its seconds per step and in total, rounds, row counts and the DuckDB settings used."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    settings = profile_settings() if settings is None else settings
    started = time.perf_counter()
    con = duckdb.connect(str(path), config={key: str(value) for key, value in settings.items()})
    try:
        result = run_competent(con) if method == "competent" else run_legacy(con)
        used = dict(con.execute("""
            select name, value from duckdb_settings()
            where name in ('threads', 'memory_limit', 'preserve_insertion_order')""").fetchall())
    finally:
        con.close()
    return {"method": method, "seconds": time.perf_counter() - started, **result, "duckdb_settings": used}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="DuckDB file with schemas segment (identifies, tracks, pages) and crm (contacts)")
    parser.add_argument("--method", choices=METHODS, default="competent")
    parser.add_argument("--json", type=Path, help="also write the result as JSON to this file")
    args = parser.parse_args(argv)
    result = run(args.path, args.method)
    for name, seconds in result["steps"].items():
        print(f"{name:>12}: {seconds:8.2f}")
    print(f"{'total':>12}: {result['seconds']:8.2f}  ({result['rounds']} rounds; DuckDB {result['duckdb_settings']})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
