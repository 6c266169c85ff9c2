"""Benchmark: the package's `dbt build` on Segment-shaped data at several sizes, against hand-written
DuckDB scripts and scipy's connected components on the same edges, then incremental runs.

    python3 dev.py bench                          # 100k and 1M people (~1M and ~10M events)
    python3 dev.py bench --people 2000,20000      # any sizes, comma separated
    python3 dev.py bench --skip-baseline          # no hand-written scripts
    python3 dev.py bench --skip-incremental       # no incremental runs, no exactness check
    python3 dev.py bench --memory-caps 2GB,80%    # extra full builds under other DuckDB memory_limits ('none')
    python3 dev.py bench --increments 0,0.01      # which incremental runs (shares of the delivered rows)

For each size it generates the data (idr_tools.demo_data, fixed seed) and two increments (1% and
10% of the delivered rows as new events, a tenth of them late: timestamps up to 30 days before the
newest data; all loaded after every existing row), then:
  * `dbt parse` (untimed: every timed run starts with the same warm target/ directory, as a
    project's hourly run does), then `dbt build` (seeds excluded) with the profile's DuckDB
    settings (its default memory cap): wall and CPU time (dbt start-up included), time per model and of the
    data tests from run_results.json, rounds from the log, SQL statements run (dbt's debug log),
    peak RSS of dbt and its children (--cold-start: no parse first);
  * the same build under each IDR_DUCKDB_MEMORY_LIMIT of --memory-caps (2 GB: the issue's cap;
    80%: DuckDB's own default, mostly cache): does it complete, wall time, peak RSS;
  * scipy.sparse.csgraph.connected_components on int_idr__edges (loading included), against the
    resolution model's time;
  * bench/handwritten_baseline.py (competent and legacy pipelines) on copies of the same raw data,
    each in its own process under the profile's DuckDB settings: wall time and peak RSS;
  * event precision against the generator's truth (and, at the smallest size, without limits);
  * incremental `dbt build` runs: nothing new, then the 1% increment appended to the raw tables,
    then the 10% increment: wall time against the full build, rows each state model and mart
    wrote (rows whose _batch_at is this run's), the resolution's region and components, rounds;
  * exactness: `dbt build --full-refresh` of a copy of the database after the increments (the
    published-id state survives it), compared with the incremental state: identifier partition,
    edges and their statuses, event -> profile partition, profiles, traits.
Then the adversarial graphs: a chain and a star (100,000 nodes each by default), with their rounds.
The project is copied into --out first, so edits made meanwhile do not reach the builds.
Markdown tables print and land in bench/out/results.md; every number in bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
from idr_tools import demo_data  # noqa: E402

CRM_SOURCE = {
    "name": "crm_contacts", "relation": "crm.contacts", "event_id": "contact_id", "occurred_at": "created_at",
    "identifiers": {"email": "email", "phone": "phone"}, "traits": ["first_name", "last_name", "company"],
}
RESOLUTION_MODEL = "int_idr__node_components"
ROUND_LINE = re.compile(r"idr int_idr__node_components (\S+) round (\d+)")
REGION_LINE = re.compile(r"idr int_idr__node_components region: (\d+) nodes to resolve")
RESOLVED_LINE = re.compile(r"idr int_idr__node_components resolved: (\d+) component rounds, (\d+) limit rounds")
RAW_TABLES = (("segment", "identifies"), ("segment", "tracks"), ("segment", "pages"), ("crm", "contacts"),
              ("truth", "events"))
INCREMENTS = "0,0.01,0.1"  # the incremental runs: shares of the delivered rows appended (0: a no-op run)
LATE_SHARE = 0.1
LATE_DAYS = 30
MEMORY_ENV = "IDR_DUCKDB_MEMORY_LIMIT"
SHOWN_TESTS = 8  # the slowest data tests listed one by one in the time-per-model table

# the targets of issue 13 (speed, memory) and issue 9 (incremental runs), all at ~10M events
TARGETS = {
    "build_vs_baseline": 1.5,  # full `dbt build` (tests included) / competent hand-written script
    "test_share": 0.10,  # shipped data tests / wall time of the build
    "resolution_vs_scipy": 3.0,  # resolution model / scipy connected_components, loading included
    "peak_rss_gb": 4.0,  # build with the profile's default memory cap
    "incremental_share": 0.10,  # 1% increment (a tenth late) / full build wall time
    "scaling": 12.0,  # time growth for 10x the events
    "chain_rounds": 25,  # 100k-node chain
}


# -------------------------------------------------------------------------------------------------
# Running dbt and the scripts
# -------------------------------------------------------------------------------------------------
def _env(db_path: Path, project: Path, memory_cap: str | None) -> dict[str, str]:
    env = dict(os.environ, IDR_DUCKDB_PATH=str(db_path), DBT_PROFILES_DIR=str(project / "profiles"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    env.pop(MEMORY_ENV, None)  # the profile's default
    if memory_cap:
        env[MEMORY_ENV] = memory_cap
    return env


def _high_water_rss(process) -> int:
    """The peak RSS of a running process so far: Linux's VmHWM (exec starts it afresh, so it is the
    program's own, not the size of the parent it was forked from); elsewhere its current RSS."""
    try:
        with open(f"/proc/{process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return process.memory_info().rss


def _wait_watching_rss(proc: subprocess.Popen) -> tuple[int, float | None, int]:
    """Wait for the process, reading its peak RSS every 50 ms (and adding its children's RSS every
    2 s: listing them scans every process of the machine); return (exit code, CPU seconds of the
    process and the children it waited for (None without os.wait4: Windows), peak RSS in bytes).
    getrusage's maximum RSS is no use here: it counts this process's size, which the child has for a
    moment after fork, before exec."""
    import psutil

    watched = psutil.Process(proc.pid)
    peak = children = 0
    polls = 0
    while True:
        if not hasattr(os, "wait4"):
            if proc.poll() is not None:
                return proc.returncode, None, peak
        else:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                return proc.returncode, usage.ru_utime + usage.ru_stime, peak
        try:
            if polls % 40 == 0:
                children = sum(c.memory_info().rss for c in watched.children(recursive=True))
            peak = max(peak, _high_water_rss(watched) + children)
        except psutil.Error:
            pass
        polls += 1
        time.sleep(0.05)


def _timed_process(command: list[str], cwd: Path, env: dict, log: Path) -> dict:
    """Run a command, output to `log`: exit code, wall and CPU seconds, peak RSS (GB)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        code, cpu, peak = _wait_watching_rss(proc)
    return {"code": code, "wall_seconds": time.perf_counter() - started, "cpu_seconds": cpu,
            "peak_rss_gb": peak / 1024**3}


def _snapshot_project(source: Path, destination: Path) -> Path:
    """Copy the dbt project (what dbt reads) so that edits made while the benchmark runs do not reach it."""
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    for name in ("dbt_project.yml", "packages.yml"):
        if (source / name).exists():
            shutil.copy(source / name, destination / name)
    for name in ("models", "macros", "seeds", "profiles", "analyses"):
        if (source / name).exists():
            shutil.copytree(source / name, destination / name)
    if (source / "tests").exists():
        shutil.copytree(source / "tests", destination / "tests",
                        ignore=shutil.ignore_patterns("python", "__pycache__", "*.py"))
    return destination


def _dbt_command(command: str, target_dir: Path, log_dir: Path, vars: dict, *extra: str) -> list[str]:
    dbt = Path(sys.executable).parent / "dbt"
    selection = ["--exclude", "resource_type:seed"] if command == "build" else []
    return [str(dbt), command, *selection, "--vars", json.dumps(vars), "--target-path", str(target_dir),
            "--log-path", str(log_dir), *extra]


def _dbt_build(ctx: dict, label: str, *, full_refresh: bool = False, must_pass: bool = True) -> dict:
    """`dbt build` in a subprocess: wall and CPU time, run_results (models, tests), the resolution's
    log lines, peak RSS. ctx names the project, the database, the memory cap, the vars and the target
    directory; each such combination has a directory of its own, parsed before its first timed run
    (dbt parses again whenever the rendered profile changes: another path or memory cap)."""
    target_dir = ctx["target"]
    extra = ["--full-refresh"] if full_refresh else []
    log = target_dir / f"{label}.log"
    env = _env(ctx["db"], ctx["project"], ctx.get("memory_cap"))
    if ctx["warm_parse"] and not (target_dir / "partial_parse.msgpack").exists():
        command = _dbt_command("parse", target_dir, target_dir / "log_parse", ctx["vars"])
        parsed = _timed_process(command, ctx["project"], env, target_dir / "parse.log")
        if parsed["code"] != 0:
            print((target_dir / "parse.log").read_text()[-4000:])
            raise SystemExit("dbt parse failed")
    log_dir = target_dir / f"log_{label}"
    process = _timed_process(_dbt_command("build", target_dir, log_dir, ctx["vars"], *extra), ctx["project"], env,
                             log)
    stdout = log.read_text()
    result: dict = {"label": label, "completed": process["code"] == 0,
                    **{k: v for k, v in process.items() if k != "code"}}
    if not result["completed"]:
        if must_pass:
            print(stdout[-4000:])
            raise SystemExit(f"dbt build ({label}) failed; its output: {log}")
        result["error"] = stdout[-2000:]
        return result
    if "Unable to do partial parsing" in stdout:
        result["parsed_again"] = True
    wall = result["wall_seconds"]
    results_file = target_dir / "run_results.json"
    shutil.copy(results_file, target_dir / f"run_results_{label}.json")
    results = json.loads(results_file.read_text())["results"]
    result["models"] = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results
                        if r["unique_id"].startswith("model.")}
    result["tests"] = {r["unique_id"].split(".")[2]: r["execution_time"] for r in results
                       if r["unique_id"].startswith("test.")}
    result["tests_seconds"] = sum(result["tests"].values())
    result["test_share"] = result["tests_seconds"] / wall
    result["tests_wall_seconds"] = _tests_wall_seconds(results)
    result["test_wall_share"] = result["tests_wall_seconds"] / wall
    rounds: dict[str, int] = {}
    for match in ROUND_LINE.finditer(stdout):
        rounds[match.group(1)] = max(rounds.get(match.group(1), 0), int(match.group(2)))
    result["rounds"] = rounds
    with open(log_dir / "dbt.log", errors="replace") as debug_log:
        result["statements"] = sum(1 for line in debug_log if "SQL status:" in line)
    resolved = RESOLVED_LINE.search(stdout)
    if resolved:
        result["component_rounds"], result["limit_rounds"] = int(resolved.group(1)), int(resolved.group(2))
    region = REGION_LINE.search(stdout)
    result["region_nodes"] = int(region.group(1)) if region else None
    return result


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.rstrip("Z"))


def _tests_wall_seconds(results: list[dict]) -> float:
    """The build's wall time spent on data tests: each instant shared equally by the nodes running
    then (with more than one dbt thread, a test running beside a model counts half). The sum of the tests' execution
    times counts an instant twice when two run together, and a test beside a model at half speed."""
    spans = []
    for r in results:
        times = [(_instant(t["started_at"]), _instant(t["completed_at"]))
                 for t in r.get("timing", []) if t.get("started_at") and t.get("completed_at")]
        if times:
            spans.append((min(a for a, _ in times), max(b for _, b in times), r["unique_id"].startswith("test.")))
    points = sorted({p for start, end, _ in spans for p in (start, end)})
    seconds = 0.0
    for left, right in zip(points, points[1:], strict=False):
        running = [is_test for start, end, is_test in spans if start <= left and end >= right]
        if running:
            seconds += (right - left).total_seconds() * sum(running) / len(running)
    return seconds


def _baseline(raw: Path, workdir: Path, method: str) -> dict:
    """A hand-written pipeline on a copy of the raw data, in its own process (same environment as
    the main dbt build, so the same profile settings: the competent script took as long under the
    3 GB default cap as under DuckDB's own 80%, 17.5 s at 1M people)."""
    db = workdir / f"baseline_{method}.duckdb"
    shutil.copy(raw, db)
    report = workdir / f"baseline_{method}.json"
    env = dict(os.environ)
    env.pop(MEMORY_ENV, None)
    process = _timed_process(
        [sys.executable, "-m", "bench.handwritten_baseline", str(db), "--method", method, "--json", str(report)],
        ROOT, env, workdir / f"baseline_{method}.log")
    if process["code"] != 0:
        print((workdir / f"baseline_{method}.log").read_text()[-4000:])
        raise SystemExit(f"the {method} baseline failed")
    result = json.loads(report.read_text())
    db.unlink()
    return {**result, **{k: v for k, v in process.items() if k != "code"}}


# -------------------------------------------------------------------------------------------------
# Measurements on a built database
# -------------------------------------------------------------------------------------------------
def _scipy_components(db_path: Path) -> dict:
    """connected_components on int_idr__edges, loading from DuckDB and numbering the (hashed) node
    ids densely included."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    started = time.perf_counter()
    con = duckdb.connect(str(db_path), read_only=True)
    arrays = con.execute("select node_a, node_b from int_idr__edges").fetchnumpy()
    con.close()
    a, b = np.asarray(arrays["node_a"], dtype=np.int64), np.asarray(arrays["node_b"], dtype=np.int64)
    nodes, dense = np.unique(np.concatenate([a, b]), return_inverse=True)
    n = len(nodes)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (dense[: len(a)], dense[len(a):])), shape=(n, n)).tocsr()
    count, _labels = connected_components(graph, directed=False)
    return {"seconds": time.perf_counter() - started, "components": int(count), "edges": len(a)}


def _stage_rows(db_path: Path) -> dict:
    con = duckdb.connect(str(db_path), read_only=True)
    queries = {
        "delivered rows": "select (select count(*) from segment.identifies) + (select count(*) from segment.tracks)"
                          " + (select count(*) from segment.pages) + (select count(*) from crm.contacts)",
        "events": "select count(*) from int_idr__events",
        "identifier occurrences": "select sum(identifier_count) from int_idr__events",
        "identifiers": "select count(*) from int_idr__nodes",
        "edges": "select count(*) from int_idr__edges",
        "rejected edges": "select count(*) from idr_edges where status = 'rejected'",
        "profiles": "select count(*) from idr_profiles",
    }
    rows = {name: int(con.execute(sql).fetchall()[0][0] or 0) for name, sql in queries.items()}
    con.close()
    return rows


def _precision(db_path: Path) -> float:
    """Share of resolved events whose profile's majority true person is their own (the generator's truth)."""
    con = duckdb.connect(str(db_path), read_only=True)
    sql = """
        with stamped as (
            select e.profile_id, t.person_id
            from idr_events e join truth.events t using (source_name, event_id)
            where e.profile_id is not null
        ),
        majority as (
            select profile_id, max(n) as n from (
                select profile_id, person_id, count(*) as n from stamped group by 1, 2) group by 1
        )
        select sum(n) * 1.0 / (select count(*) from stamped) from majority"""
    value = float(con.execute(sql).fetchall()[0][0])
    con.close()
    return value


def _batch_marks(db_path: Path) -> dict[str, object]:
    """Every relation of the package's schema: its newest _batch_at (tables), or 'view'."""
    con = duckdb.connect(str(db_path), read_only=True)
    relations = con.execute("""
        select t.table_name, t.table_type,
            bool_or(c.column_name = '_batch_at') as has_batch
        from information_schema.tables t
        join information_schema.columns c using (table_catalog, table_schema, table_name)
        where t.table_schema = 'main' and (t.table_name like 'idr\\_%' escape '\\' or t.table_name like 'int\\_idr\\_%'
            escape '\\')
        group by all order by 1""").fetchall()
    marks: dict[str, object] = {}
    for name, kind, has_batch in relations:
        if kind == "VIEW" or not has_batch:
            marks[name] = "view" if kind == "VIEW" else "no _batch_at"
        else:
            marks[name] = con.execute(f"select max(_batch_at) from {name}").fetchall()[0][0]
    con.close()
    return marks


def _rows_written(db_path: Path, before: dict[str, object]) -> tuple[dict[str, object], dict]:
    """Rows each table holds with a _batch_at later than before the run (rows this run wrote); the
    resolution's re-resolved components among them."""
    con = duckdb.connect(str(db_path), read_only=True)
    written: dict[str, object] = {}
    for name, mark in before.items():
        if isinstance(mark, str):
            written[name] = mark
            continue
        condition = "true" if mark is None else "_batch_at > $1"
        params = [] if mark is None else [mark]
        written[name] = int(con.execute(f"select count(*) from {name} where {condition}", params).fetchall()[0][0])
    mark = before.get(RESOLUTION_MODEL)
    condition, params = ("true", []) if mark is None else ("_batch_at > $1", [mark])
    cc, profiles = con.execute(f"""select count(distinct cc_id), count(distinct component_id)
                                  from {RESOLUTION_MODEL} where {condition}""", params).fetchall()[0]
    con.close()
    return written, {"components": int(cc), "profiles": int(profiles)}


# What must be equal between the incremental state and a full rebuild; profile ids aside (a profile
# is named by its smallest identifier: `representative`; the identifier a profile id was first
# published for and when are state, kept through a rebuild, not data)
PARTITION_QUERIES = {
    "identifier partition": "select identifier_type, identifier_value, representative from identifiers",
    "edges and statuses": """
        select identifier_type_a, identifier_value_a, identifier_type_b, identifier_value_b,
            first_seen_at, last_seen_at, event_count, status, rejection_reason,
            rep_a.representative as profile_a, rep_b.representative as profile_b
        from idr_edges
        left join representatives as rep_a on idr_edges.profile_id_a = rep_a.profile_id
        left join representatives as rep_b on idr_edges.profile_id_b = rep_b.profile_id""",
    "event partition": """
        select source_name, event_id, event_version, resolved_by_type, resolved_by_value, unresolved_reason,
            identifier_count, delivery_count, representatives.representative
        from idr_events
        left join representatives on idr_events.profile_id = representatives.profile_id""",
    "profiles": """
        select representatives.representative,
            idr_profiles.* exclude (profile_id, profile_key_type, profile_key_value, first_published_at, _batch_at)
        from idr_profiles
        inner join representatives on idr_profiles.profile_id = representatives.profile_id""",
    "profile traits": """
        select representatives.representative, idr_profile_traits.* exclude (profile_id, _batch_at)
        from idr_profile_traits
        inner join representatives on idr_profile_traits.profile_id = representatives.profile_id""",
    "profile ids": "select identifier_type, identifier_value, profile_id from identifiers",
}
REPRESENTATIVES = """
    create temp table representatives as
    select profile_id, min({'t': identifier_type, 'v': identifier_value}) as representative
    from idr_identifiers group by profile_id;
    create temp table identifiers as
    select idr_identifiers.identifier_type, idr_identifiers.identifier_value, idr_identifiers.profile_id,
        representatives.representative
    from idr_identifiers inner join representatives on idr_identifiers.profile_id = representatives.profile_id"""


def _export_partitions(db_path: Path, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=True)
    con.execute(REPRESENTATIVES)
    for name, sql in PARTITION_QUERIES.items():
        con.execute(f"copy ({sql}) to '{directory / (name.replace(' ', '_') + '.parquet')}' (format parquet)")
    con.close()


def _compare(incremental: Path, rebuilt: Path, workdir: Path) -> dict:
    """Rows only in one side, per check ('profile ids' is informative: ids are state, not data)."""
    left, right = workdir / "compare_incremental", workdir / "compare_rebuilt"
    _export_partitions(incremental, left)
    _export_partitions(rebuilt, right)
    con = duckdb.connect()
    checks = {}
    for name in PARTITION_QUERIES:
        file = name.replace(" ", "_") + ".parquet"
        a, b = f"read_parquet('{left / file}')", f"read_parquet('{right / file}')"
        only_incremental = con.execute(f"select count(*) from (select * from {a} except all select * from {b})")
        only_incremental = only_incremental.fetchall()[0][0]
        only_rebuilt = con.execute(f"select count(*) from (select * from {b} except all select * from {a})")
        only_rebuilt = only_rebuilt.fetchall()[0][0]
        rows = con.execute(f"select count(*) from {a}").fetchall()[0][0]
        checks[name] = {"rows": int(rows), "only_incremental": int(only_incremental),
                        "only_rebuilt": int(only_rebuilt)}
    con.close()
    shutil.rmtree(left)
    shutil.rmtree(right)
    exact = all(c["only_incremental"] == 0 and c["only_rebuilt"] == 0
                for name, c in checks.items() if name != "profile ids")
    return {"exact": exact, "checks": checks}


def _append(db_path: Path, increment: Path) -> tuple[dict[str, int], int]:
    """Insert an increment's rows into the raw tables (and the truth) of a database; return the rows
    appended per table and how many of them are late (not after the newest timestamp before)."""
    segment = [table for schema, table in RAW_TABLES if schema == "segment"]
    con = duckdb.connect(str(db_path))
    con.execute(f"attach '{increment}' as increment (read_only)")

    def times(catalog: str) -> str:
        return " union all ".join(f'select "timestamp" from {catalog}.segment.{table}' for table in segment)

    database = con.execute("select current_database()").fetchall()[0][0]
    newest = con.execute(f'select max("timestamp") from ({times(database)})').fetchall()[0][0]
    late = con.execute(f'select count(*) from ({times("increment")}) where "timestamp" <= $1', [newest])
    late = int(late.fetchall()[0][0])
    appended = {}
    for schema, table in RAW_TABLES:
        con.execute(f"insert into {schema}.{table} by name select * from increment.{schema}.{table}").fetchall()
        appended[f"{schema}.{table}"] = int(con.execute(
            f"select count(*) from increment.{schema}.{table}").fetchall()[0][0])
    con.execute("detach increment")
    con.close()
    return appended, late


# -------------------------------------------------------------------------------------------------
# One size
# -------------------------------------------------------------------------------------------------
def _generate(workdir: Path, people: int, seed: int, increments: list[tuple[str, float]]) -> dict:
    """Write raw.duckdb (the data set) and increment_<n>.duckdb (its increments); return timings."""
    started = time.perf_counter()
    frames = demo_data.generate(people, seed)
    demo_data.write_duckdb(frames, workdir / "raw.duckdb")
    delivered = sum(len(frames[name]) for name in ("identifies", "tracks", "pages", "contacts"))
    timings = {"generate_seconds": time.perf_counter() - started, "generated_rows": delivered}
    if increments:
        started = time.perf_counter()
        existing = [frames]
        for batch, (_label, share) in enumerate(increments):
            if share == 0:
                continue
            increment = demo_data.generate_increment(existing, round(share * delivered), seed, batch=batch,
                                                     late_share=LATE_SHARE, late_days=LATE_DAYS)
            demo_data.write_duckdb(increment, workdir / f"increment_{batch}.duckdb")
            existing.append(increment)
        timings["increment_generate_seconds"] = time.perf_counter() - started
    return timings


def _incremental_runs(ctx: dict, increments: list[tuple[str, float]], full_wall: float) -> list[dict]:
    runs = []
    db = ctx["db"]
    for batch, (label, share) in enumerate(increments):
        appended, late = ({}, 0)
        if share:
            appended, late = _append(db, ctx["workdir"] / f"increment_{batch}.duckdb")
        before = _batch_marks(db)
        run = _dbt_build(ctx, f"incremental_{batch}")
        run["written"], run["re_resolved"] = _rows_written(db, before)
        run.update(label=label, share=share, appended=appended, late_rows=late, vs_full=run["wall_seconds"] / full_wall,
                   appended_rows=sum(v for k, v in appended.items() if not k.startswith("truth.")))
        runs.append(run)
    return runs


def _exactness(ctx: dict) -> dict:
    """`dbt build --full-refresh` on a copy of the database after the increments, compared with it.
    The rebuild runs at the same path (so with dbt's warm parse): the incremental state is set aside."""
    db, workdir = ctx["db"], ctx["workdir"]
    incremental = workdir / "incremental_state.duckdb"
    shutil.copy(db, incremental)
    rebuild = _dbt_build(ctx, "full_refresh", full_refresh=True)
    return {**_compare(incremental, db, workdir), "rebuild_wall_seconds": rebuild["wall_seconds"],
            "rebuild_peak_rss_gb": rebuild["peak_rss_gb"]}


def run_size(args: argparse.Namespace, people: int, compare_limits: bool) -> dict:
    workdir = args.out / f"people_{people}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    ctx = {"workdir": workdir, "project": args.project_dir, "target": workdir / "target",
           "db": workdir / "package.duckdb", "warm_parse": not args.cold_start,
           "vars": {"idr_segment_schema": "segment", "idr_sources": [CRM_SOURCE]}}
    print(f"\n== {people:,} people: generating", flush=True)
    result: dict = {"people": people, **_generate(workdir, people, args.seed, args.increments)}
    raw, db = workdir / "raw.duckdb", ctx["db"]
    shutil.copy(raw, db)

    print(f"== {people:,} people: dbt build", flush=True)
    result["dbt"] = build = _dbt_build(ctx, "full")
    everything = {name: (mark if isinstance(mark, str) else None) for name, mark in _batch_marks(db).items()}
    result["full_rows_written"], build["re_resolved"] = _rows_written(db, everything)
    result["rows"] = _stage_rows(db)
    result["event_precision"] = _precision(db)
    result["scipy"] = _scipy_components(db)
    result["resolution_vs_scipy"] = build["models"][RESOLUTION_MODEL] / result["scipy"]["seconds"]

    if compare_limits:
        # the same data resolved with the blocklist only (no limits): what merge protection buys
        no_limits = {**ctx["vars"], "idr_identifier_types": {"user_id": {"priority": 1}, "email": {"priority": 2}}}
        unlimited = {**ctx, "db": workdir / "unlimited.duckdb", "target": workdir / "target_unlimited",
                     "vars": no_limits}
        shutil.copy(raw, unlimited["db"])
        _dbt_build(unlimited, "unlimited")
        result["event_precision_without_limits"] = _precision(unlimited["db"])
        unlimited["db"].unlink()

    for number, cap in enumerate(args.memory_caps):
        print(f"== {people:,} people: dbt build under a {cap} memory cap", flush=True)
        capped = {**ctx, "db": workdir / "capped.duckdb", "target": workdir / f"target_capped_{number}",
                  "memory_cap": cap}
        shutil.copy(raw, capped["db"])
        result.setdefault("capped", []).append({**_dbt_build(capped, f"capped_{number}", must_pass=False),
                                                "memory_cap": cap})
        capped["db"].unlink()

    if not args.skip_baseline:
        print(f"== {people:,} people: hand-written baselines", flush=True)
        result["baselines"] = {method: _baseline(raw, workdir, method) for method in args.baselines}
        for method, baseline in result["baselines"].items():
            result[f"build_vs_{method}"] = build["wall_seconds"] / baseline["wall_seconds"]

    if args.increments:
        print(f"== {people:,} people: incremental runs", flush=True)
        result["incremental"] = _incremental_runs(ctx, args.increments, build["wall_seconds"])
        print(f"== {people:,} people: full rebuild of a copy, compared", flush=True)
        result["exactness"] = _exactness(ctx)
    if not args.keep_databases:
        for path in workdir.glob("*.duckdb"):
            path.unlink()
    return result


# -------------------------------------------------------------------------------------------------
# Adversarial graphs
# -------------------------------------------------------------------------------------------------
def _write_adversarial(path: Path, n: int) -> None:
    """A chain of n nodes (values numbered at random along it) and a star of n spokes."""
    con = duckdb.connect(str(path))
    con.execute("create schema segment; create schema crm")
    con.execute(f"""
        create table segment.tracks as
        select 'chain-' || i || side as id, timestamp '2024-01-01' + to_minutes(i % 7) as "timestamp",
            'chain-a-' || md5(cast(i + (side = 'y')::int as varchar)) as anonymous_id,
            'chain-e-' || md5(cast(i as varchar)) || '@x.com' as context_traits_email,
            cast(null as varchar) as user_id, 'Chain' as event
        from range({n // 2}) r(i), (values ('x'), ('y')) s(side)
        union all
        select 'star-' || i, timestamp '2024-01-01' + to_minutes(i % 11), 'star-a-' || md5(cast(i as varchar)),
            null, 'star-hub', 'Star'
        from range({n}) r(i)""")
    con.execute("create table segment.identifies as select * from segment.tracks where false")
    con.execute("create table segment.pages as select * from segment.tracks where false")
    con.execute("create table crm.contacts (contact_id varchar, created_at timestamp, email varchar, phone varchar)")
    con.close()


def run_adversarial(args: argparse.Namespace) -> dict:
    workdir = args.out / "adversarial"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    db = workdir / "graph.duckdb"
    _write_adversarial(db, args.adversarial)
    ctx = {"workdir": workdir, "project": args.project_dir, "target": workdir / "target", "db": db,
           "warm_parse": not args.cold_start, "vars": {"idr_segment_schema": "segment", "idr_sources": []}}
    built = _dbt_build(ctx, "adversarial")
    con = duckdb.connect(str(db), read_only=True)
    profiles = dict(con.execute("""select split_part(identifier_value, '-', 1), count(distinct profile_id)
                                   from idr_identifiers group by 1""").fetchall())
    con.close()
    if not args.keep_databases:
        db.unlink()
    return {"nodes": args.adversarial, "rounds": built["rounds"],
            "resolution_seconds": built["models"][RESOLUTION_MODEL], "profiles": profiles}


# -------------------------------------------------------------------------------------------------
# Report
# -------------------------------------------------------------------------------------------------
def _verdict(value: float | None, target: float, unit: str = "x", higher_is_better: bool = False) -> str:
    if value is None:
        return "not measured"
    met = value >= target if higher_is_better else value <= target
    if met:
        return "met"
    if unit == "%":
        return f"missed by {100 * abs(value - target):.1f} points ({value / target:.2f}x the target)"
    return f"missed by {abs(value - target):.2f}{unit} ({value / target:.2f}x the target)"


def _f(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def _cpu_ratio(a: dict, b: dict, percent: bool = False) -> str:
    """' (CPU: a / b = ratio)', the same comparison in CPU seconds, steadier on a busy machine."""
    if not a.get("cpu_seconds") or not b.get("cpu_seconds"):
        return ""
    ratio = a["cpu_seconds"] / b["cpu_seconds"]
    shown = f"{100 * ratio:.1f}%" if percent else f"{ratio:.2f}x"
    return f" (CPU: {a['cpu_seconds']:.1f} s / {b['cpu_seconds']:.1f} s = {shown})"


def _targets(results: list[dict], adversarial: dict | None) -> list[str]:
    r = results[-1]
    build = r["dbt"]
    lines = [f"## Against the targets ({r['people']:,} people, {r['rows']['delivered rows']:,} delivered rows; "
             "the targets are set for ~10M events)", "",
             "| target | measured | goal | verdict |", "|---|---|---|---|"]

    def row(name: str, measured: str, goal: str, verdict: str) -> None:
        lines.append(f"| {name} | {measured} | {goal} | {verdict} |")

    competent = r.get("baselines", {}).get("competent")
    if competent:
        ratio = r["build_vs_competent"]
        row("full `dbt build` (tests included) / competent hand-written script",
            f"{build['wall_seconds']:.1f} s / {competent['wall_seconds']:.1f} s = {ratio:.2f}x"
            + _cpu_ratio(build, competent),
            f"≤ {TARGETS['build_vs_baseline']}x", _verdict(ratio, TARGETS["build_vs_baseline"]))
    legacy = r.get("baselines", {}).get("legacy")
    if legacy:
        row("full `dbt build` / legacy hand-written script (the old yardstick)",
            f"{build['wall_seconds']:.1f} s / {legacy['wall_seconds']:.1f} s = {r['build_vs_legacy']:.2f}x",
            "(informative)", "-")
    row("shipped data tests / build wall time (each instant shared by the nodes running then; "
        "their execution times added up in brackets)",
        f"{build['tests_wall_seconds']:.1f} s / {build['wall_seconds']:.1f} s = {100 * build['test_wall_share']:.1f}% "
        f"({build['tests_seconds']:.1f} s = {100 * build['test_share']:.1f}%)",
        f"≤ {100 * TARGETS['test_share']:.0f}%", _verdict(build["test_wall_share"], TARGETS["test_share"], "%"))
    row("resolution model / scipy connected_components (loading included)",
        f"{build['models'][RESOLUTION_MODEL]:.2f} s / {r['scipy']['seconds']:.2f} s = {r['resolution_vs_scipy']:.1f}x",
        f"≤ {TARGETS['resolution_vs_scipy']}x", _verdict(r["resolution_vs_scipy"], TARGETS["resolution_vs_scipy"]))
    row("peak RSS, the profile's default memory cap", f"{build['peak_rss_gb']:.2f} GB",
        f"≤ {TARGETS['peak_rss_gb']} GB", _verdict(build["peak_rss_gb"], TARGETS["peak_rss_gb"], " GB"))
    for capped in r.get("capped", [])[:1]:  # the first of --memory-caps is the target's (2 GB)
        row(f"build under {MEMORY_ENV}={capped['memory_cap']}",
            ("completed" if capped["completed"] else "FAILED") + f", {capped['wall_seconds']:.1f} s, "
            f"peak RSS {capped['peak_rss_gb']:.2f} GB ({capped['wall_seconds'] / build['wall_seconds']:.2f}x the "
            "default's time)", "completes", "met" if capped["completed"] else "missed")
    for run in r.get("incremental", []):
        if run["share"] == 0.01:
            row("incremental build, 1% new events (a tenth late) / full build",
                f"{run['wall_seconds']:.1f} s / {build['wall_seconds']:.1f} s = {100 * run['vs_full']:.1f}%"
                + _cpu_ratio(run, build, percent=True),
                f"≤ {100 * TARGETS['incremental_share']:.0f}%",
                _verdict(run["vs_full"], TARGETS["incremental_share"], "%"))
    exactness = r.get("exactness")
    if exactness:
        row("incremental state == full rebuild (partitions, edges, events, profiles, traits)",
            "equal" if exactness["exact"] else "DIFFERENT", "equal", "met" if exactness["exact"] else "missed")
    if len(results) > 1:
        first = results[0]
        grow_rows = r["rows"]["events"] / first["rows"]["events"]
        grow_time = build["wall_seconds"] / first["dbt"]["wall_seconds"]
        goal = TARGETS["scaling"] * grow_rows / 10
        row(f"{grow_rows:.1f}x the events ({first['people']:,} → {r['people']:,} people)",
            f"{grow_time:.1f}x the time", f"≤ {goal:.1f}x (12x per 10x)", _verdict(grow_time, goal))
    if adversarial:
        chain = max(adversarial["rounds"].values()) if adversarial["rounds"] else None
        row(f"rounds, {adversarial['nodes']:,}-node chain and star", f"{chain}",
            f"≤ {TARGETS['chain_rounds']}", _verdict(chain, TARGETS["chain_rounds"], " rounds"))
    return lines


def _report(results: list[dict], adversarial: dict | None, warm_parse: bool = True) -> str:
    lines = _targets(results, adversarial)

    lines += ["", "## Full build", "",
              "| people | delivered rows | events | identifiers | edges | profiles | `dbt build` (s) | CPU (s) "
              "| tests (s) | tests share | peak RSS (GB) | resolution (s) | scipy (s) | ratio | rounds | statements |",
              "|" + "---|" * 16]
    for r in results:
        rows, dbt = r["rows"], r["dbt"]
        rounds = f"{dbt.get('component_rounds', '-')} + {dbt.get('limit_rounds', '-')} limit"
        lines.append(
            f"| {r['people']:,} | {rows['delivered rows']:,} | {rows['events']:,} | {rows['identifiers']:,} "
            f"| {rows['edges']:,} | {rows['profiles']:,} | {dbt['wall_seconds']:.1f} | {_f(dbt['cpu_seconds'])} "
            f"| {dbt['tests_wall_seconds']:.1f} ({dbt['tests_seconds']:.1f}) "
            f"| {100 * dbt['test_wall_share']:.1f}% | {dbt['peak_rss_gb']:.2f} | {dbt['models'][RESOLUTION_MODEL]:.2f} "
            f"| {r['scipy']['seconds']:.2f} | {r['resolution_vs_scipy']:.1f}x | {rounds} | {dbt['statements']:,} |")
    lines.append("")
    parse = ("after one untimed `dbt parse` (partial parsing warm, as in a project's scheduled runs)" if warm_parse
             else "the first build of each database parsing the project in full (--cold-start)")
    lines.append("`dbt build` is the wall time of the whole command (seeds excluded), dbt's start-up and the "
                 f"shipped data tests included, {parse}; CPU is user + system time of dbt (DuckDB runs inside "
                 "it), less sensitive than wall time to other work on the machine; tests (s) is the wall time spent "
                 "on data tests, each instant shared equally by the nodes running then (run_results.json timings: "
                 "with more dbt threads than one, a test beside a model counts half), their execution times added "
                 "up in brackets; statements counts the SQL statements dbt ran "
                 "(its debug log's 'SQL status' lines).")

    if any("capped" in r for r in results):
        lines += ["", "## Under other memory caps", "",
                  "| people | cap | completed | wall (s) | / default | tests (s) | peak RSS (GB) |",
                  "|---|---|---|---|---|---|---|"]
        for r in results:
            for c in r.get("capped", []):
                tests = f"{c['tests_wall_seconds']:.1f}" if c["completed"] else "-"
                lines.append(f"| {r['people']:,} | {c['memory_cap']} | {'yes' if c['completed'] else 'no'} "
                             f"| {c['wall_seconds']:.1f} | {c['wall_seconds'] / r['dbt']['wall_seconds']:.2f}x "
                             f"| {tests} | {c['peak_rss_gb']:.2f} |")

    if any("baselines" in r for r in results):
        lines += ["", "## Hand-written baselines", "",
                  "| people | script | wall (s) | peak RSS (GB) | rounds | `dbt build` / script |",
                  "|---|---|---|---|---|---|"]
        for r in results:
            for method, b in r.get("baselines", {}).items():
                lines.append(f"| {r['people']:,} | {method} | {b['wall_seconds']:.1f} | {b['peak_rss_gb']:.2f} "
                             f"| {b['rounds']} | {r[f'build_vs_{method}']:.2f}x |")
        settings = next(iter(results[-1].get("baselines", {}).values()), {}).get("duckdb_settings")
        if settings:
            lines.append("")
            used = ", ".join(f"{k} {v}" for k, v in sorted(settings.items()))
            lines.append(f"Both run with the profile's DuckDB settings ({used}), "
                         "in their own process; wall time includes starting Python.")

    if any("incremental" in r for r in results):
        lines += ["", "## Incremental runs", "",
                  "| people | increment | rows appended (late) | wall (s) | CPU (s) | / full build | region nodes "
                  "| components re-resolved | rounds | tests (s) | peak RSS (GB) | statements |",
                  "|" + "---|" * 12]
        for r in results:
            for run in r.get("incremental", []):
                rounds = f"{run.get('component_rounds', '-')} + {run.get('limit_rounds', '-')} limit"
                lines.append(
                    f"| {r['people']:,} | {run['label']} | {run['appended_rows']:,} ({run['late_rows']:,}) "
                    f"| {run['wall_seconds']:.1f} | {_f(run['cpu_seconds'])} | {100 * run['vs_full']:.1f}% "
                    f"| {run['region_nodes'] or 0:,} "
                    f"| {run['re_resolved']['components']:,} | {rounds} "
                    f"| {run['tests_wall_seconds']:.1f} ({run['tests_seconds']:.1f}) "
                    f"| {run['peak_rss_gb']:.2f} | {run['statements']:,} |")
        last = results[-1]
        if "incremental" in last:
            runs = last["incremental"]
            lines += ["", f"Rows written per model ({last['people']:,} people; rows whose `_batch_at` is the run's; "
                      "views write nothing):", "",
                      "| model | full build | " + " | ".join(run["label"] for run in runs) + " |",
                      "|---|---|" + "---|" * len(runs)]
            for name, written in runs[0]["written"].items():
                if isinstance(written, str):
                    continue
                full = last.get("full_rows_written", {}).get(name, "-")
                full = f"{full:,}" if isinstance(full, int) else full
                lines.append(f"| {name} | {full} | " + " | ".join(f"{run['written'][name]:,}" for run in runs) + " |")
            views = [name for name, written in runs[0]["written"].items() if isinstance(written, str)]
            lines.append("")
            lines.append(f"Views (no `_batch_at`, nothing written): {', '.join(views)}.")
        lines += ["", "## Incremental == full rebuild", "",
                  "| people | check | rows | only incremental | only rebuilt |", "|---|---|---|---|---|"]
        for r in results:
            exactness = r.get("exactness")
            if not exactness:
                continue
            for name, check in exactness["checks"].items():
                lines.append(f"| {r['people']:,} | {name} | {check['rows']:,} | {check['only_incremental']:,} "
                             f"| {check['only_rebuilt']:,} |")
            lines.append(f"| {r['people']:,} | **verdict** | | {'equal' if exactness['exact'] else 'DIFFERENT'} | "
                         f"rebuild {exactness['rebuild_wall_seconds']:.1f} s |")
        lines.append("")
        lines.append("Profiles are compared by their smallest identifier (ids are state: the full rebuild keeps the "
                     "published ids); 'profile ids' compares the ids themselves and is informative only.")

    def timings(run: dict) -> dict[str, float]:
        return {**run["models"], **{f"test: {k}": v for k, v in run["tests"].items()}}

    columns = [(f"{r['people']:,} people", timings(r["dbt"])) for r in results]
    one_percent = [run for run in results[-1].get("incremental", []) if run["share"] == 0.01]
    if one_percent:
        columns.append((f"{results[-1]['people']:,} people, 1% increment", timings(one_percent[0])))
    lines += ["", "## Time per model and test (s), slowest first", "",
              "| model | " + " | ".join(name for name, _ in columns) + " |", "|---|" + "---|" * len(columns)]
    ranked = [name for name, _ in sorted(columns[len(results) - 1][1].items(), key=lambda item: -item[1])]
    tests = [name for name in ranked if name.startswith("test: ")]
    for name in [name for name in ranked if name not in tests[SHOWN_TESTS:]]:
        shown = name if len(name) <= 70 else name[:67] + "..."
        lines.append(f"| {shown} | " + " | ".join(_f(times.get(name), 2) for _, times in columns) + " |")
    if len(tests) > SHOWN_TESTS:
        rest = tests[SHOWN_TESTS:]
        lines.append(f"| the other {len(rest)} tests | "
                     + " | ".join(_f(sum(times.get(name, 0) for name in rest), 2) for _, times in columns) + " |")
    lines.append("")
    lines.append("Execution times from run_results.json (every test in results.json); with more dbt threads than "
                 "one, models that overlap share the cores and look slower than alone.")

    lines.append("")
    for r in results:
        without = r.get("event_precision_without_limits")
        lines.append(f"Event precision at {r['people']:,} people: {r['event_precision']:.4f}"
                     + (f" (blocklist only, no limits: {without:.4f})" if without is not None else "") + ".")
    if adversarial:
        lines += ["", f"Adversarial graphs ({adversarial['nodes']:,} nodes each): rounds {adversarial['rounds']}; "
                  f"resolution {adversarial['resolution_seconds']:.2f} s; "
                  f"profiles per graph {adversarial['profiles']}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", default="100000,1000000", help="comma separated sizes (people)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory-caps", default="2GB,80%",
                        help=f"{MEMORY_ENV} of extra full builds, comma separated ('none': no extra build); the "
                             "first is checked against the target (completes); the other builds use the profile's "
                             "default")
    parser.add_argument("--adversarial", type=int, default=100_000, help="nodes in the chain / star (0 to skip)")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the hand-written pipelines")
    parser.add_argument("--baselines", default="competent,legacy", help="hand-written pipelines to run")
    parser.add_argument("--skip-incremental", action="store_true",
                        help="no incremental runs and no comparison with a full rebuild")
    parser.add_argument("--increments", default=INCREMENTS,
                        help="incremental runs, in order: shares of the delivered rows appended as new events, "
                             f"a tenth of them late (0: a run with nothing new); default {INCREMENTS}")
    parser.add_argument("--skip-limits-comparison", action="store_true",
                        help="do not build the smallest size again without limits (event precision)")
    parser.add_argument("--cold-start", action="store_true",
                        help="no untimed `dbt parse` before the first build of each database (it parses in full)")
    parser.add_argument("--keep-databases", action="store_true", help="keep the DuckDB files in --out")
    parser.add_argument("--project-dir", type=Path, default=ROOT,
                        help="the dbt project to benchmark (copied into --out first)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the data, builds and results go")
    args = parser.parse_args(argv)
    args.memory_caps = [cap.strip() for cap in args.memory_caps.split(",")
                        if cap.strip() and cap.strip().lower() not in ("none", "0")]
    args.baselines = [m.strip() for m in args.baselines.split(",") if m.strip()]
    shares = [] if args.skip_incremental else [float(share) for share in args.increments.split(",") if share.strip()]
    args.increments = [("no-op" if share == 0 else f"{100 * share:g}%", share) for share in shares]
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    args.project_dir = _snapshot_project(args.project_dir.resolve(), args.out / "project")
    sizes = [int(p) for p in args.people.split(",")]
    results: list[dict] = []
    summary = {"sizes": results, "adversarial": None, "targets": TARGETS}
    for people in sizes:
        results.append(run_size(args, people, compare_limits=people == min(sizes) and not args.skip_limits_comparison))
        (args.out / "results.json").write_text(json.dumps(summary, indent=2, default=str))  # so far
    summary["adversarial"] = adversarial = run_adversarial(args) if args.adversarial else None
    (args.out / "results.json").write_text(json.dumps(summary, indent=2, default=str))
    report = _report(results, adversarial, warm_parse=not args.cold_start)
    (args.out / "results.md").write_text(report)
    print("\n" + report)
    return summary


if __name__ == "__main__":
    main()
