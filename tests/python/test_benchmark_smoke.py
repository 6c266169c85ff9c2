"""The benchmark script keeps working: a tiny size, end to end (the real sizes run via dev.py bench)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.adapter_independent


def test__benchmark__a_tiny_run_reports_every_number(tmp_path):
    from bench import benchmark

    # the fewest dbt runs that cover every step: full build, one capped build, one increment, full rebuild
    summary = benchmark.main(["--people", "300", "--increments", "0.1", "--adversarial", "0", "--memory-caps", "1GB",
                              "--baselines", "competent", "--skip-limits-comparison", "--cold-start",
                              "--out", str(tmp_path)])
    (size,) = summary["sizes"]
    assert size["rows"]["events"] > 0 and size["rows"]["edges"] > 0
    build = size["dbt"]
    assert build["models"]["int_idr__node_components"] > 0 and build["tests"]
    assert 0 < build["test_share"] < 1 and build["peak_rss_gb"] > 0 and build["cpu_seconds"] > 0
    assert size["full_rows_written"]["int_idr__events"] == size["rows"]["events"]
    assert size["scipy"]["components"] > 0
    (capped,) = size["capped"]
    assert capped["memory_cap"] == "1GB" and capped["completed"] and capped["peak_rss_gb"] > 0
    assert size["baselines"]["competent"]["wall_seconds"] > 0 and size["build_vs_competent"] > 0
    assert 0.9 < size["event_precision"] <= 1.0

    (run,) = size["incremental"]
    assert run["label"] == "10%" and 0 < run["late_rows"] < run["appended_rows"]
    assert abs(run["appended_rows"] - 0.1 * size["generated_rows"]) <= 1
    assert run["written"]["int_idr__events"] == run["appended_rows"]
    assert run["written"]["idr_events"] == "view"
    assert run["region_nodes"] >= run["written"]["int_idr__node_components"] > 0
    assert run["re_resolved"]["components"] > 0 and run["vs_full"] > 0
    assert size["exactness"]["exact"], size["exactness"]
    assert size["exactness"]["checks"]["event partition"]["rows"] == size["rows"]["events"] + run["appended_rows"]
    report = (tmp_path / "results.md").read_text()
    assert "| incremental state == full rebuild (partitions, edges, events, profiles, traits) | equal | equal | met |" \
        in report
    assert "| build under IDR_DUCKDB_MEMORY_LIMIT=1GB | completed, " in report
    assert (tmp_path / "results.json").exists()


def test__handwritten_baseline__competent_and_legacy_find_the_same_components(tmp_path):
    """The rewritten pipeline's components (hook, jump, contract) equal the old script's (label
    propagation) on the demo data: the same identifier partition and event -> component map."""
    import duckdb
    from bench import handwritten_baseline
    from idr_tools import demo_data

    frames = demo_data.generate(300, 3)
    partitions = {}
    for method in handwritten_baseline.METHODS:
        path = tmp_path / f"{method}.duckdb"
        demo_data.write_duckdb(frames, path)
        result = handwritten_baseline.run(path, method)
        assert result["rounds"] >= 1
        con = duckdb.connect(str(path), read_only=True)
        component = "component_id" if method == "competent" else "profile_id"
        identifiers = con.execute(f"""
            with rep as (select {component} as c, min(identifier_type || ':' || identifier_value) as rep
                         from baseline_identifiers group by 1)
            select identifier_type, identifier_value, rep.rep
            from baseline_identifiers join rep on {component} = rep.c""").fetchall()
        events = con.execute(f"""
            with rep as (select {component} as c, min(identifier_type || ':' || identifier_value) as rep
                         from baseline_identifiers group by 1)
            select distinct source_name, event_id, rep.rep
            from baseline_events left join rep on {component} = rep.c""").fetchall()
        con.close()
        partitions[method] = (sorted(identifiers), sorted(events, key=str))
    assert len({len(p[0]) for p in partitions.values()}) == 1 and partitions["competent"][0]
    assert partitions["competent"] == partitions["legacy"]
