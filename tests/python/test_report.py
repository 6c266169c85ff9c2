"""Graph health: the health models against hand-computed numbers over three builds of a small log,
and the HTML report on the demo, opened in headless Chromium.

The report test writes its screenshot to target/graph_health_report/screenshot.png under the
repository root (IDR_REPORT_SCREENSHOT_DIR to choose another folder) and prints the path.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from harness import PROJECT_ROOT
from reference import Event
from scenarios import at, crm, identify, page, track
from strategies import SOURCES_VARS, to_rows

pytestmark = pytest.mark.engines("duckdb", "postgres", why=(
    "several builds each; Spark answers each statement in tenths of a second, so its pass keeps to "
    "the engine-specific SQL of staging, resolution and the incremental materialization (DECISIONLOG "
    "22)"
))

# Build 1: u1, a1 and m1 form a profile; u3 shares m1 but the user_id limit (1) rejects that
# merge; u2 + a2; m3 alone (CRM). One event carries only blocked values (email "null", user_id
# "unknown"), one an invalid phone beside its anonymous id, one no
# identifier (and a later, disagreeing copy: a conflicting duplicate), one row has no event id.
# Build 2: a2 meets m3 (their profiles merge) and a new anonymous id a4 arrives. Build 3: nothing.
BATCHES = [
    [
        identify("h-e1", 0, user_id="h-u1", anonymous_id="h-a1", email="h-m1@x.com"),
        track("h-e2", 1, anonymous_id="h-a1", phone="12"),
        track("h-e3", 2, user_id="h-u2", anonymous_id="h-a2"),
        track("h-e4", 3, email="null", user_id="unknown"),
        page("h-e5", 4),
        page("h-e5", 10, anonymous_id="h-a9"),
        identify("h-e6", 5, user_id="h-u3", email="h-m1@x.com"),
        crm("h-c1", 6, email="h-m3@x.com"),
        Event("segment.tracks", None, at(7), (("anonymous_id", "h-q1"),)),
    ],
    [
        track("h-e7", 20, anonymous_id="h-a2", email="h-m3@x.com"),
        track("h-e8", 21, anonymous_id="h-a4"),
    ],
    [],
]
HUB_VARS = {**SOURCES_VARS, "idr_graph_hubs_top_n": 2}


def _load(project, batch: int) -> None:
    events = [replace(e, loaded_at=at(24 * 60 * (b + 1)) if e.source.startswith("segment.") else None)
              for b, delivered in enumerate(BATCHES[: batch + 1]) for e in delivered]
    project.load(to_rows(events))


def _plain(value):
    return float(value) if value is not None and not isinstance(value, (str, bool, datetime)) else value


@pytest.fixture(scope="module")
def health(project_factory):
    project = project_factory("health")
    for batch in range(len(BATCHES)):
        _load(project, batch)
        result = project.build(HUB_VARS)
        assert result.success, f"build {batch + 1}: {result.why}"
    runs = [{k: _plain(v) for k, v in row.items()}
            for row in sorted(project.rows("idr_graph_health"), key=lambda r: r["run_at"])]
    metrics = [{k: _plain(v) for k, v in row.items()} for row in project.rows("idr_graph_health_metrics")]
    return project, runs, metrics


def _breakdown(metrics, run_id, metric, *dimensions) -> dict:
    return {tuple(r[d] for d in dimensions): r["metric_value"] for r in metrics
            if r["run_id"] == run_id and r["metric"] == metric}


def test__graph_health__one_row_per_build_with_the_hand_computed_headline_numbers(health):
    _, runs, _ = health
    assert len(runs) == 3
    first, second, third = runs
    assert first["is_rebuild"] and not second["is_rebuild"] and not third["is_rebuild"]
    expected_first = {
        "events": 7, "events_in_run": 7, "events_resolved": 5, "events_unresolved": 2, "events_resolved_in_run": 5,
        "deliveries_in_run": 9, "identifiers": 7, "identifiers_new": 7, "profiles": 4, "singleton_profiles": 2,
        "edges": 4, "edges_accepted": 3, "edges_rejected": 1, "nodes_re_resolved": 7, "components_re_resolved": 3,
        "blocked_values": 2, "invalid_values": 1, "quarantined_rows": 2,
        # identifiers per profile 3, 2, 1, 1; events per profile 2, 1, 1, 1 (percentile_cont)
        "profile_identifiers_p50": 1.5, "profile_identifiers_p90": 2.7, "profile_identifiers_p99": 2.97,
        "profile_identifiers_max": 3, "profile_events_p50": 1, "profile_events_p90": 1.7, "profile_events_p99": 1.97,
        "profile_events_max": 2,
    }
    assert {k: first[k] for k in expected_first} == expected_first
    assert first["component_rounds"] > 0 and first["limit_rounds"] > 0  # u1 and u3 share a component
    assert first["resolved_event_share"] == pytest.approx(5 / 7, abs=1e-6)
    expected_second = {
        "events": 9, "events_in_run": 2, "events_resolved": 7, "events_resolved_in_run": 2, "deliveries_in_run": 2,
        "identifiers": 8, "identifiers_new": 1, "profiles": 4, "singleton_profiles": 2, "edges": 5,
        "edges_accepted": 4, "edges_rejected": 1,
        # re-resolved: the new nodes and the old components they touch ({u2, a2}, {m3}, a4)
        "nodes_re_resolved": 4, "components_re_resolved": 2, "quarantined_rows": 2,
        "profile_identifiers_max": 3, "profile_identifiers_p50": 2,
    }
    assert {k: second[k] for k in expected_second} == expected_second
    # a build with nothing new still writes its row: nothing arrived, nothing was re-resolved
    assert (third["events"], third["events_in_run"], third["deliveries_in_run"], third["identifiers_new"],
            third["nodes_re_resolved"], third["component_rounds"], third["limit_rounds"]) == (9, 0, 0, 0, 0, 0, 0)


def test__graph_health_metrics__breakdowns_by_source_reason_type_and_size(health):
    _, runs, metrics = health
    first, second = runs[0]["run_id"], runs[1]["run_id"]
    assert _breakdown(metrics, first, "events", "source_name", "category") == {
        ("segment.identifies", "resolved"): 2, ("segment.tracks", "resolved"): 2,
        ("segment.tracks", "all_identifiers_blocked"): 1, ("segment.pages", "no_identifiers"): 1,
        ("crm_contacts", "resolved"): 1}
    # every (source, outcome) of the graph has its row, 0 when nothing of it arrived
    assert _breakdown(metrics, second, "events_in_run", "source_name", "category") == {
        ("segment.identifies", "resolved"): 0, ("segment.tracks", "resolved"): 2,
        ("segment.tracks", "all_identifiers_blocked"): 0, ("segment.pages", "no_identifiers"): 0,
        ("crm_contacts", "resolved"): 0}
    assert _breakdown(metrics, first, "quarantined_rows", "source_name", "category") == {
        ("segment.tracks", "missing_event_id"): 1, ("segment.pages", "conflicting_duplicate"): 1}
    # blocked / invalid values: a row per source and identifier type it has a column of (CRM has
    # email and phone columns only), 0 where none was dropped
    blocked = _breakdown(metrics, first, "blocked_values", "source_name", "identifier_type")
    assert {k: v for k, v in blocked.items() if v} == {("segment.tracks", "email"): 1,
                                                       ("segment.tracks", "user_id"): 1}
    assert {k for k in blocked if k[0] == "crm_contacts"} == {("crm_contacts", "email"), ("crm_contacts", "phone")}
    assert ("segment.pages", "ios.id") in blocked
    invalid = _breakdown(metrics, first, "invalid_values", "source_name", "identifier_type")
    assert {k: v for k, v in invalid.items() if v} == {("segment.tracks", "phone"): 1}
    assert set(invalid) == set(blocked)
    assert _breakdown(metrics, first, "identifiers", "identifier_type") == {
        ("user_id",): 3, ("anonymous_id",): 2, ("email",): 2}
    assert _breakdown(metrics, second, "identifiers_new", "identifier_type") == {
        ("user_id",): 0, ("anonymous_id",): 1, ("email",): 0}
    assert _breakdown(metrics, first, "edges", "category", "identifier_type") == {
        ("accepted", None): 3, ("rejected", "user_id"): 1}
    assert _breakdown(metrics, first, "profiles_by_identifier_count", "profile_size") == {(1,): 2, (2,): 1, (3,): 1}
    assert _breakdown(metrics, first, "profiles_by_event_count", "profile_size") == {(1,): 3, (2,): 1}
    assert _breakdown(metrics, first, "profiles_by_type_count", "identifier_type", "profile_size") == {
        ("user_id", 1): 3, ("anonymous_id", 1): 2, ("email", 1): 2}
    # after build 2: {u1, a1, m1}, {u2, a2, m3}, {u3}, {a4}
    assert _breakdown(metrics, second, "profiles_by_type_count", "identifier_type", "profile_size") == {
        ("user_id", 1): 3, ("anonymous_id", 1): 3, ("email", 1): 2}


IN_RUN_METRICS = {"events_in_run", "deliveries_in_run", "identifiers_new", "nodes_re_resolved",
                  "components_re_resolved", "component_rounds", "limit_rounds"}


def test__graph_health_metrics__a_run_with_nothing_new_repeats_the_last_rows_with_in_run_counts_zero(health):
    """The third build has nothing new: its rows are the second build's (the graph did not change),
    every breakdown present, the counts of what arrived or was re-resolved in the run 0."""
    _, runs, metrics = health
    second, third = runs[1]["run_id"], runs[2]["run_id"]

    def rows(run_id):
        return sorted((r["metric"], r["source_name"] or "", r["identifier_type"] or "", r["category"] or "",
                       r["profile_size"] if r["profile_size"] is not None else -1,
                       0.0 if r["metric"] in IN_RUN_METRICS else r["metric_value"])
                      for r in metrics if r["run_id"] == run_id)

    assert rows(third) == rows(second)
    assert {r["metric_value"] for r in metrics if r["run_id"] == third and r["metric"] in IN_RUN_METRICS} == {0}
    assert any(r["metric_value"] for r in metrics if r["run_id"] == second and r["metric"] in IN_RUN_METRICS)


def test__graph_hubs__a_run_with_nothing_new_keeps_the_ranking_a_recomputation_gives(health):
    """After the build with nothing new (which keeps the stored ranking), recomputing the hubs from
    scratch gives the same rows; a different top_n is never served from the stored ranking."""
    project, _, _ = health

    def hubs():
        return sorted(tuple(_plain(v) for k, v in row.items() if k != "computed_at")
                      for row in project.rows("idr_graph_hubs"))

    kept = hubs()
    result = project.build(HUB_VARS, "--full-refresh", "--select", "idr_graph_hubs")
    assert result.success, result.why
    assert hubs() == kept
    result = project.build({**HUB_VARS, "idr_graph_hubs_top_n": 1}, "--select", "idr_graph_hubs")
    assert result.success, result.why
    assert {row["hub_rank"] for row in project.rows("idr_graph_hubs")} == {1}
    result = project.build(HUB_VARS, "--select", "idr_graph_hubs")  # back to 2: recomputed, not kept
    assert result.success, result.why
    assert hubs() == kept


def test__graph_health_metrics__history_survives_a_full_refresh(health):
    project, runs, _ = health
    result = project.build(HUB_VARS, "--full-refresh")
    assert result.success, result.why
    after = sorted(project.rows("idr_graph_health"), key=lambda r: r["run_at"])
    assert [r["run_id"] for r in after[:3]] == [r["run_id"] for r in runs]
    assert len(after) == 4
    assert after[3]["is_rebuild"] and _plain(after[3]["events_in_run"]) == 9
    # the state was rebuilt, the published profile ids were not: every identifier is known already
    assert _plain(after[3]["identifiers_new"]) == 0 and _plain(after[3]["nodes_re_resolved"]) == 8


def test__graph_hubs__top_n_of_each_kind_with_their_counts(health):
    project, _, _ = health
    hubs = [{k: _plain(v) for k, v in row.items()} for row in project.rows("idr_graph_hubs")]
    by_kind: dict[str, list[dict]] = {}
    for row in sorted(hubs, key=lambda r: r["hub_rank"]):
        by_kind.setdefault(row["hub_kind"], []).append(row)
    assert {kind: [r["hub_rank"] for r in rows] for kind, rows in by_kind.items()} == {
        kind: [1, 2] for kind in ("profile_most_identifiers", "profile_most_events", "identifier_most_links",
                                  "identifier_most_rejected_edges")}
    # the two 3-identifier profiles, each shown with the identifier it is named after ({u2, a2} and
    # {m3}, published in the same build, merged: either id may be the one kept)
    assert sorted(r["profile_identifier_count"] for r in by_kind["profile_most_identifiers"]) == [3, 3]
    keys = {(r["identifier_type"], r["identifier_value"]) for r in by_kind["profile_most_identifiers"]}
    assert ("user_id", "h-u1") in keys and len(keys - {("user_id", "h-u1")}) == 1
    assert keys - {("user_id", "h-u1")} <= {("user_id", "h-u2"), ("email", "h-m3@x.com")}
    # {u1, a1, m1} holds e1 and e2; {u2, a2, m3} holds e3, c1 and e7
    assert [r["profile_event_count"] for r in by_kind["profile_most_events"]] == [3, 2]
    # h-u1, h-m1 and h-a2 each share an edge with two identifiers
    assert [r["linked_identifier_count"] for r in by_kind["identifier_most_links"]] == [2, 2]
    assert {(r["identifier_type"], r["identifier_value"]) for r in by_kind["identifier_most_links"]} <= {
        ("user_id", "h-u1"), ("email", "h-m1@x.com"), ("anonymous_id", "h-a2")}
    rejected = {(r["identifier_type"], r["identifier_value"]): (r["rejected_edge_count"],
                                                                r["profile_rejected_edge_count"])
                for r in by_kind["identifier_most_rejected_edges"]}
    assert rejected == {("user_id", "h-u3"): (1, 1), ("email", "h-m1@x.com"): (1, 1)}


# --- the report ---------------------------------------------------------------------------------

def test__report__reads_the_health_models_from_the_target_warehouse(health, monkeypatch, tmp_path):
    """The report finds the warehouse as dbt does (profiles.yml, the target, its env vars)."""
    pytest.importorskip("plotly", reason="the report needs plotly: pip install -r requirements-report.txt")
    from idr_tools import report

    project, runs, _ = health
    for name, value in project.backend.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    output = tmp_path / "report.html"
    status = report.main(["--project-dir", str(project.dir), "--target", project.backend.target,
                          "--output", str(output), "--truncate", "5"])
    if project.backend.adapter not in ("duckdb", "postgres"):
        assert status == 1 and not output.exists()  # said so, wrote nothing
        return
    assert status == 0
    page = output.read_text(encoding="utf-8")
    runs_now = len(project.rows("idr_graph_health"))
    assert f"{runs_now} runs" in page and runs_now >= len(runs)
    # hub values truncated to 5 characters: "h-m1@x.com" is shown as "h-m1…"
    assert "h-m1…" in page and "h-m1@x.com" not in page

def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


def _grow_demo(project, tag: str, rows: int) -> None:
    """Deliver `rows` more tracks to the demo's seed tables: copies of existing ones under new ids,
    half with a new anonymous id, loaded now (as a new Segment load would be)."""
    project.query(f"""
        insert into demo_segment_tracks
        select * replace (
            id || '-{tag}' as id,
            case when row_number() over (order by id) % 2 = 0 then anonymous_id || '-{tag}' else anonymous_id end
                as anonymous_id,
            current_timestamp::timestamp as uuid_ts)
        from demo_segment_tracks
        where id not like '%-late%'
        order by id
        limit {rows}""")


def _browser(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--user-data-dir={profile}", "--virtual-time-budget=20000", *args],
                          capture_output=True, text=True, timeout=180)


def test__report__the_demo_report_renders_every_chart_in_headless_chromium(adapter, project_factory, tmp_path,
                                                                         monkeypatch, capsys):
    if adapter != "duckdb":
        pytest.skip("the report test builds the demo on DuckDB")
    pytest.importorskip("plotly", reason="the report needs plotly: pip install -r requirements-report.txt")
    from idr_tools import report

    project = project_factory("report_demo")
    result = project.dbt("build")
    assert result.success, result.why
    for tag in ("late1", "late2"):
        _grow_demo(project, tag, 40)
        result = project.build()
        assert result.success, result.why
    ((runs, arrived),) = project.query("select count(*), sum(events_in_run) from idr_graph_health")
    assert runs == 3 and arrived > 3000

    output = tmp_path / "report.html"
    monkeypatch.setenv("IDR_DUCKDB_PATH", str(project.backend.path))
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)
    assert report.main(["--project-dir", str(project.dir), "--output", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    assert output.stat().st_size < 3_000_000
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page), "the page must load nothing from outside"
    hub_values = [v for (v,) in project.query("select identifier_value from idr_graph_hubs "
                                              "where length(identifier_value) between 8 and 30")]
    assert hub_values and all(v in page for v in hub_values)

    hashed = tmp_path / "hashed.html"
    assert report.main(["--project-dir", str(project.dir), "--output", str(hashed), "--hash-values"]) == 0
    hashed_page = hashed.read_text(encoding="utf-8")
    assert not [v for v in hub_values if v in hashed_page]
    assert "sha256:" in hashed_page

    chromium = _chromium()
    if chromium is None:
        pytest.skip("chromium not found: install it (Debian: apt-get install chromium) to check the report "
                    "in a browser; `CI=true python3 dev.py test` installs it")
    dom = _browser(chromium, tmp_path / "chromium", "--dump-dom", output.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    root = re.search(r"<html[^>]*>", dom.stdout).group(0)
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', root))
    assert attributes.get("data-idr-state") == "done", attributes
    assert "data-idr-errors" not in attributes, attributes["data-idr-errors"]
    charts = [dict(re.findall(r'([\w-]+)="([^"]*)"', div))
              for div in re.findall(r'<div\b[^>]*\bclass="idr-chart\b[^"]*"[^>]*>', dom.stdout)]
    assert len(charts) == int(attributes["data-idr-charts"]) == int(attributes["data-idr-charts-drawn"]) == 7
    assert all(int(chart.get("data-marks", 0)) > 0 for chart in charts), charts

    shots = Path(os.environ.get("IDR_REPORT_SCREENSHOT_DIR", PROJECT_ROOT / "target" / "graph_health_report"))
    shots.mkdir(parents=True, exist_ok=True)
    screenshot = shots / "screenshot.png"
    screenshot.unlink(missing_ok=True)
    shot = _browser(chromium, tmp_path / "chromium", "--window-size=1400,2400", f"--screenshot={screenshot}",
                    output.as_uri())
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 50_000
    shutil.copy(output, shots / "report.html")
    with capsys.disabled():
        print(f"\nreport screenshot: {screenshot}\nreport: {shots / 'report.html'}")


@pytest.mark.adapter_independent
def test__report__says_what_to_do_when_the_warehouse_is_not_built(tmp_path, monkeypatch, capsys):
    pytest.importorskip("plotly", reason="the report needs plotly")
    from idr_tools import report

    monkeypatch.setenv("IDR_DUCKDB_PATH", str(tmp_path / "missing.duckdb"))
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.delenv("DBT_TARGET", raising=False)
    assert report.main(["--project-dir", str(PROJECT_ROOT), "--output", str(tmp_path / "r.html")]) == 1
    assert "build the package first" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
