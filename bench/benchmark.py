"""Benchmark: the package's `dbt build` on Segment-shaped data at several sizes, against a
hand-written DuckDB script and against scipy's C connected components on the same edges.

    python3 dev.py bench                       # 100k and 1M people (~1M and ~10M events)
    python3 dev.py bench --people 2000         # any sizes, comma separated
    python3 dev.py bench --skip-baseline       # only the package and scipy

For each size it generates the data (idr_tools.demo_data, fixed seed), then:
  * runs `dbt build` (seeds excluded) in a subprocess: wall time, time per model from
    run_results.json, rounds from the log, rows per stage, peak memory (max RSS of the process);
  * resolves the same edge table (int_idr__edges) with scipy.sparse.csgraph.connected_components,
    loading included, and prints resolution-model time / scipy time;
  * runs bench/handwritten_baseline.py on a fresh copy of the same raw data;
  * measures event precision against the generator's truth (share of resolved events whose
    profile's majority person is their own), and at the smallest size also without limits.
Then the adversarial graphs: a 100,000-node chain and a 100,000-spoke star, with their rounds.
Results print as markdown tables and land in bench/out/results.json.
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
ROUND_LINE = re.compile(r"idr int_idr__node_components (\S+) round (\d+)")


def _dbt_build(db_path: Path, target_dir: Path, vars: dict, memory_limit: str) -> dict:
    """Run `dbt build` in a subprocess and collect timings, rounds and peak memory."""
    env = dict(os.environ, IDR_DUCKDB_PATH=str(db_path), IDR_DUCKDB_MEMORY_LIMIT=memory_limit,
               DBT_PROFILES_DIR=str(ROOT / "profiles"), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), "build", "--exclude", "resource_type:seed", "--vars", json.dumps(vars),
               "--target-path", str(target_dir), "--log-path", str(target_dir)]
    started = time.perf_counter()
    log = target_dir / "dbt_stdout.log"
    target_dir.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        peak_bytes = _watch_peak_rss(proc)
    wall = time.perf_counter() - started
    stdout = log.read_text()
    if proc.returncode != 0:
        print(stdout[-4000:])
        raise SystemExit("dbt build failed")
    results = json.loads((target_dir / "run_results.json").read_text())
    models = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results["results"]
              if r["unique_id"].startswith("model.")}
    tests = sum(r["execution_time"] for r in results["results"] if r["unique_id"].startswith("test."))
    rounds: dict[str, int] = {}
    for match in ROUND_LINE.finditer(stdout):
        rounds[match.group(1)] = max(rounds.get(match.group(1), 0), int(match.group(2)))
    return {"wall_seconds": wall, "elapsed_seconds": results["elapsed_time"], "models": models,
            "tests_seconds": tests, "rounds": rounds,
            "peak_rss_gb": peak_bytes / 1024**3}


def _watch_peak_rss(proc: subprocess.Popen) -> int:
    """Poll the process (and any children) every 50 ms until it exits; return the peak RSS in bytes.
    (getrusage(RUSAGE_CHILDREN) would report this process's own size, which the child has for a
    moment after fork, before exec.)"""
    import psutil

    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            rss = watched.memory_info().rss + sum(c.memory_info().rss for c in watched.children(recursive=True))
        except psutil.Error:
            rss = 0
        peak = max(peak, rss)
        time.sleep(0.05)
    return peak


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
    rows = {name: int(con.execute(sql).fetchall()[0][0]) for name, sql in queries.items()}
    con.close()
    return rows


def _precision(db_path: Path) -> dict:
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
    return {"event_precision": value}


def run_size(out: Path, people: int, seed: int, memory_limit: str, skip_baseline: bool, compare_limits: bool) -> dict:
    workdir = out / f"people_{people}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    raw = workdir / "raw.duckdb"
    started = time.perf_counter()
    demo_data.write_duckdb(demo_data.generate(people, seed), raw)
    generated = time.perf_counter() - started
    result: dict = {"people": people, "generate_seconds": generated}

    db = workdir / "package.duckdb"
    shutil.copy(raw, db)
    build_vars = {"idr_segment_schema": "segment", "idr_sources": [CRM_SOURCE]}
    result["dbt"] = _dbt_build(db, workdir / "target", build_vars, memory_limit)
    result["rows"] = _stage_rows(db)
    result.update(_precision(db))
    if compare_limits:
        # the same data resolved with the blocklist only (no limits): what merge protection buys
        unlimited = workdir / "unlimited.duckdb"
        shutil.copy(raw, unlimited)
        no_limits = {**build_vars, "idr_identifier_types": {"user_id": {"priority": 1}, "email": {"priority": 2}}}
        _dbt_build(unlimited, workdir / "target_unlimited", no_limits, memory_limit)
        result["event_precision_without_limits"] = _precision(unlimited)["event_precision"]
        unlimited.unlink()
    result["scipy"] = _scipy_components(db)
    resolution = result["dbt"]["models"]["int_idr__node_components"]
    result["resolution_vs_scipy"] = resolution / result["scipy"]["seconds"]

    if not skip_baseline:
        from bench import handwritten_baseline

        base = workdir / "baseline.duckdb"
        shutil.copy(raw, base)
        started = time.perf_counter()
        timings = handwritten_baseline.run(str(base))
        result["baseline"] = {"seconds": time.perf_counter() - started, "rounds": int(timings["rounds"])}
        base.unlink()
    raw.unlink()
    return result


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


def run_adversarial(out: Path, n: int, memory_limit: str) -> dict:
    workdir = out / "adversarial"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    db = workdir / "graph.duckdb"
    _write_adversarial(db, n)
    built = _dbt_build(db, workdir / "target", {"idr_segment_schema": "segment", "idr_sources": []}, memory_limit)
    con = duckdb.connect(str(db), read_only=True)
    profiles = dict(con.execute("""select split_part(identifier_value, '-', 1), count(distinct profile_id)
                                   from idr_identifiers group by 1""").fetchall())
    con.close()
    return {"nodes": n, "rounds": built["rounds"], "resolution_seconds": built["models"]["int_idr__node_components"],
            "profiles": profiles}


def _print(results: list[dict], adversarial: dict | None) -> None:
    print("\n## Sizes\n")
    print("| people | delivered rows | events | identifiers | edges | profiles | dbt build (s) | models (s) "
          "| tests (s) | peak RSS (GB) | resolution (s) | scipy (s) | ratio | rounds | hand-written (s) |")
    print("|" + "---|" * 15)
    for r in results:
        rows, dbt = r["rows"], r["dbt"]
        rounds = ", ".join(f"{k} {v}" for k, v in sorted(dbt["rounds"].items()))
        base = f"{r['baseline']['seconds']:.1f}" if "baseline" in r else "-"
        print(f"| {r['people']:,} | {rows['delivered rows']:,} | {rows['events']:,} | {rows['identifiers']:,} "
              f"| {rows['edges']:,} | {rows['profiles']:,} | {dbt['wall_seconds']:.1f} "
              f"| {sum(dbt['models'].values()):.1f} | {dbt['tests_seconds']:.1f} | {dbt['peak_rss_gb']:.2f} "
              f"| {dbt['models']['int_idr__node_components']:.2f} | {r['scipy']['seconds']:.2f} "
              f"| {r['resolution_vs_scipy']:.1f}x | {rounds} | {base} |")
    print("\n## Time per model (s)\n")
    names = list(results[0]["dbt"]["models"])
    print("| model | " + " | ".join(f"{r['people']:,} people" for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for name in names:
        print(f"| {name} | " + " | ".join(f"{r['dbt']['models'].get(name, 0):.2f}" for r in results) + " |")
    if len(results) > 1:
        first, last = results[0], results[-1]
        grow_rows = last["rows"]["events"] / first["rows"]["events"]
        grow_time = last["dbt"]["wall_seconds"] / first["dbt"]["wall_seconds"]
        print(f"\n{grow_rows:.1f}x the events took {grow_time:.1f}x the time.")
    for r in results:
        without = r.get("event_precision_without_limits")
        print(f"event precision at {r['people']:,} people: {r['event_precision']:.4f}"
              + (f" (blocklist only, no limits: {without:.4f})" if without is not None else ""))
    if adversarial:
        print(f"\n## Adversarial graphs ({adversarial['nodes']:,} nodes each)\n")
        print(f"rounds: {adversarial['rounds']}; resolution {adversarial['resolution_seconds']:.2f}s; "
              f"profiles per graph: {adversarial['profiles']}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", default="100000,1000000", help="comma separated sizes (people)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory-limit", default="2.5GB", help="DuckDB memory_limit for the dbt build")
    parser.add_argument("--adversarial", type=int, default=100_000, help="nodes in the chain / star (0 to skip)")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the hand-written pipeline")
    parser.add_argument("--out", type=Path, default=OUT, help="where the data, builds and results.json go")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = [int(p) for p in args.people.split(",")]
    results = [run_size(args.out, p, args.seed, args.memory_limit, args.skip_baseline, compare_limits=p == min(sizes))
               for p in sizes]
    adversarial = run_adversarial(args.out, args.adversarial, args.memory_limit) if args.adversarial else None
    summary = {"sizes": results, "adversarial": adversarial}
    (args.out / "results.json").write_text(json.dumps(summary, indent=2))
    _print(results, adversarial)
    return summary


if __name__ == "__main__":
    main()
