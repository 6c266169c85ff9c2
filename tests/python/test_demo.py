"""The demo, determinism, and a user's own data laid out as the README describes."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from harness import PROJECT_ROOT
from scenarios import all_events
from snapshots import snapshot
from strategies import SOURCES_VARS, to_rows

pytestmark = pytest.mark.engines("duckdb", "postgres", why=(
    "demo, determinism and the README layouts: Spark's seed loading and extra builds cost minutes for "
    "what the scenarios and property tests already check there"))


def _snapshot(project) -> dict[str, list[tuple]]:
    return snapshot(project)


@pytest.fixture(scope="module")
def demo(project_factory):
    project = project_factory("demo")
    result = project.dbt("build")
    assert result.success, result.why
    return project


def test__demo__a_plain_dbt_build_resolves_the_bundled_seeds(demo):
    ((events, resolved, profiles, rejected),) = demo.query("""
        select
            (select count(*) from idr_events),
            (select count(*) from idr_events where profile_id is not null),
            (select count(*) from idr_profiles),
            (select count(*) from idr_edges where status = 'rejected')""")
    assert events > 3000
    assert resolved / events > 0.99
    assert 0 < profiles < events
    assert rejected > 0  # the demo's shared devices and team emails exercise the limits


def test__idempotency__building_twice_gives_identical_marts(demo):
    before = _snapshot(demo)
    result = demo.dbt("build")
    assert result.success, result.why
    assert _snapshot(demo) == before


@pytest.mark.engines("duckdb", why="two shuffles of the same rows, decided by the same SQL on every engine")
def test__determinism__input_order_does_not_change_any_mart(project_factory):
    events = all_events()
    snapshots = []
    for seed in (1, 2):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        project = project_factory(f"order_{seed}")
        project.load(to_rows(shuffled))
        result = project.build(SOURCES_VARS)
        assert result.success, result.why
        snapshots.append(_snapshot(project))
    assert snapshots[0] == snapshots[1]


def test__user_layout__the_readme_vars_command_builds_a_duckdb_file_of_segment_and_crm(adapter, tmp_path):
    if adapter != "duckdb":
        pytest.skip("the README's command reads a DuckDB file")
    from idr_tools import demo_data

    warehouse = tmp_path / "warehouse.duckdb"
    demo_data.write_duckdb(demo_data.generate(200, 7), warehouse)
    readme_vars = ("{idr_segment_schema: segment, idr_sources: [{name: crm_contacts, relation: crm.contacts, "
                   "event_id: contact_id, occurred_at: created_at, identifiers: {email: email, phone: phone}}]}")
    assert readme_vars in (PROJECT_ROOT / "README.md").read_text().replace("\\\n  ", "")
    env = dict(os.environ, IDR_DUCKDB_PATH=str(warehouse), DBT_PROFILES_DIR=str(PROJECT_ROOT / "profiles"))
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), "build", "--exclude", "resource_type:seed", "--vars", readme_vars,
               "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout[-3000:]

    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        ((precision, coverage),) = con.execute("""
            with stamped as (
                select e.profile_id, t.person_id
                from idr_events e join truth.events t using (source_name, event_id)
            ),
            majority as (
                select profile_id, max(n) as n
                from (select profile_id, person_id, count(*) as n from stamped
                      where profile_id is not null group by 1, 2) as counted
                group by 1
            )
            select
                (select sum(n) from majority) * 1.0 / (select count(*) from stamped where profile_id is not null),
                (select count(*) from stamped) * 1.0 / (select count(*) from truth.events)""").fetchall()
    finally:
        con.close()
    assert coverage == 1.0
    assert precision > 0.97
