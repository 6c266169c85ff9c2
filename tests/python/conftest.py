"""Fixtures: a throwaway project per test module, on the adapter chosen with --adapter."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import DuckDBBackend, Project


def pytest_addoption(parser):
    parser.addoption(
        "--adapter",
        action="store",
        default="duckdb",
        choices=["duckdb", "postgres", "spark"],
        help="the dbt adapter the suite builds against",
    )


# The modules that take longest, longest first (measured on every engine): pytest-xdist hands whole
# modules to workers in collection order, so starting the long ones first keeps the workers busy to
# the end (dev.py turns off xdist's own order, which counts tests, not time). Others follow by name.
LONGEST_FIRST = ["test_incremental", "test_properties_sql", "test_hostile_input", "test_profiles_sync",
                 "test_shipped_tests", "test_report", "test_scenarios", "test_benchmark_smoke",
                 "test_reference_algorithms", "test_demo", "test_lookup", "test_large_graphs"]


def pytest_collection_modifyitems(config, items):
    """Tests that touch no database run once, in the DuckDB pass of the suite; a test marked
    `engines(...)` runs only on the engines it names (the marker says why; IDR_ALL_ENGINES=1 runs
    it everywhere). Modules are ordered longest first (LONGEST_FIRST)."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(Path(str(item.fspath)).stem, len(rank)))
    adapter = config.getoption("--adapter")
    for item in items:
        if adapter != "duckdb" and item.get_closest_marker("adapter_independent"):
            item.add_marker(pytest.mark.skip(reason="adapter-independent: runs with --adapter=duckdb"))
            continue
        engines = item.get_closest_marker("engines")
        if engines is not None and adapter not in engines.args and not os.environ.get("IDR_ALL_ENGINES"):
            why = engines.kwargs.get("why", "")
            item.add_marker(pytest.mark.skip(reason=f"runs on {', '.join(engines.args)} only: {why}"))


@pytest.fixture(scope="session")
def adapter(request) -> str:
    return request.config.getoption("--adapter")


def make_backend(adapter: str, workdir: Path):
    if adapter == "duckdb":
        return DuckDBBackend(workdir)
    from backends import make_server_backend  # postgres / spark, imported only when asked for

    return make_server_backend(adapter, workdir)


@pytest.fixture(scope="module")
def project_factory(adapter, tmp_path_factory):
    """Call it to get a fresh Project (own database / schema) for this module."""
    made = []

    def make(name: str = "p") -> Project:
        workdir = tmp_path_factory.mktemp(name)
        backend = make_backend(adapter, workdir)
        made.append(backend)
        return Project(workdir, backend)

    yield make
    for backend in made:
        backend.close()
