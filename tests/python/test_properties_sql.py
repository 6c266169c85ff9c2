"""Property tests: what the SQL builds equals the reference implementation on randomised logs.

Hypothesis generates the logs (shared devices and emails, junk ids, email variants, copies, retries
and disagreeing deliveries of one event, traits, many timestamp ties); all logs of a config
resolve in one dbt build (each under its own prefix), then every log is compared with the
reference: the profile of every event and identifier, the status of every edge, event counts and
reasons, traits and quarantine. Mismatches are reported smallest log first.

The incremental tests cut every log into batches, build once per batch (each build sees the rows
of every batch so far; late events, disagreeing deliveries and suppressions arrive in later
batches) and compare the final state with the reference on all the data, then with a build from
scratch of the same data (--full-refresh), mart by mart.
"""

from __future__ import annotations

import os

import pytest

from compare import Marts, mismatches
from reference import Config, resolve
from snapshots import snapshot_partition
from strategies import (
    DEFAULT,
    MULTI_LIMIT,
    MULTI_LIMIT_VARS,
    SOURCES_VARS,
    TRAITS,
    batched_logs,
    draw_logs,
    event_logs,
    namespaced,
    prefixed,
    to_rows,
)

# Enough logs for the acceptance bar (300+); all of them resolve in one build, on every adapter.
LOG_COUNT = int(os.environ.get("IDR_PROPERTY_LOGS", "330"))
# Incremental: fewer logs (one build per batch); on Spark (IDR_ALL_ENGINES=1), where a build takes
# minutes, a smaller randomised set (the builds are as many, each holding fewer logs).
BATCHED_LOG_COUNT = int(os.environ.get("IDR_BATCHED_LOGS", "150"))
SPARK_BATCHED_LOG_COUNT = int(os.environ.get("IDR_SPARK_BATCHED_LOGS", "60"))


def _describe(log) -> str:
    return "\n".join(f"  {e.source} {e.event_id} {e.occurred_at:%H:%M} {list(e.identifiers)} {list(e.traits)}"
                     f"{' ' + e.event_name if e.event_name else ''}" for e in log)


def _check(project, logs, config: Config, exact_ids: bool) -> tuple[int, list[str]]:
    marts = Marts(project)
    agreeing, failures = 0, []
    for i, log in enumerate(logs):
        problems = mismatches(marts, resolve(log, config), f"l{i}-", exact_ids, TRAITS)
        if problems:
            failures.append((len(log), f"log of {len(log)} events:\n{_describe(log)}\n" + "\n".join(problems[:8])))
        else:
            agreeing += 1
    return agreeing, [text for _, text in sorted(failures)]


def _run(project_factory, name: str, vars: dict, config: Config):
    logs = [namespaced(log, f"l{i}-") for i, log in enumerate(draw_logs(event_logs(), LOG_COUNT))]
    project = project_factory(name)
    project.load(to_rows([event for log in logs for event in log]))
    result = project.build({**SOURCES_VARS, **vars})
    assert result.success, result.why
    agreeing, failures = _check(project, logs, config, exact_ids=True)
    rejected = project.query("select count(*) from idr_edges where status = 'rejected'")[0][0]
    print(f"\n{name}: {agreeing}/{len(logs)} logs agree with the reference; {rejected} rejected edges; "
          f"component rounds {result.rounds('components')}")
    return project, logs, agreeing, failures


def _assert_limits_hold(project, config: Config):
    for type_name, cfg in config.types.items():
        if cfg.limit is not None:
            worst = project.query(
                f"select max(n) from (select profile_id, count(*) as n from idr_identifiers "
                f"where identifier_type = '{type_name}' group by profile_id) as counts")[0][0]
            assert worst is None or worst <= cfg.limit, (type_name, worst)


@pytest.mark.property
def test__property__default_config_equals_reference_exactly(project_factory):
    project, logs, agreeing, failures = _run(project_factory, "property_default", {}, DEFAULT)
    assert len(logs) >= min(300, LOG_COUNT)
    assert not failures, f"{agreeing}/{len(logs)} agree; first mismatch:\n{failures[0]}"
    _assert_limits_hold(project, DEFAULT)


@pytest.mark.property
def test__property__several_limits_equal_reference_exactly(project_factory):
    project, logs, agreeing, failures = _run(project_factory, "property_multi", MULTI_LIMIT_VARS, MULTI_LIMIT)
    _assert_limits_hold(project, MULTI_LIMIT)
    assert not failures, f"{agreeing}/{len(logs)} agree; first mismatch:\n{failures[0]}"


def _batched_run(project_factory, name: str, vars: dict, config: Config, count: int):
    """Build every log batch by batch; return the project, the logs (all deliveries) and the final config."""
    drawn = draw_logs(batched_logs(), count)
    n_batches = max(len(batches) for batches, _ in drawn)
    project = project_factory(name)
    delivered: list[list] = [[] for _ in drawn]
    suppressed_rows: list[dict] = []
    for b in range(n_batches):
        suppressed_rows = []
        for i, (batches, suppressions) in enumerate(drawn):
            if b < len(batches):
                delivered[i] += namespaced(batches[b], f"l{i}-")
            for type_name, value in suppressions[min(b, len(suppressions) - 1)]:
                suppressed_rows.append({"identifier_type": type_name, "identifier_value": prefixed(value, f"l{i}-"),
                                        "reason": "test"})
        project.load({**to_rows([e for log in delivered for e in log]), ("gdpr", "suppressed"): suppressed_rows})
        result = project.build({**SOURCES_VARS, **vars, "idr_suppressions": "gdpr.suppressed"})
        assert result.success, f"batch {b}: {result.why}"
    final = [(r["identifier_type"], r["identifier_value"]) for r in suppressed_rows]
    return project, delivered, Config(types=config.types, traits=config.traits, source_traits=config.source_traits,
                                      suppressed=tuple(final))


@pytest.mark.property
@pytest.mark.engines("duckdb", "postgres", why=(
    "five builds of a minute or more each on a local Spark (about 18 minutes for 60 logs, passing, when "
    "last run with IDR_ALL_ENGINES=1); the CI budget keeps Spark to the incremental stories and "
    "the full-build property tests (DECISIONLOG 22)"))
@pytest.mark.parametrize(("vars", "config"), [
    ({}, DEFAULT),
    pytest.param(MULTI_LIMIT_VARS, MULTI_LIMIT, marks=pytest.mark.engines("duckdb", why=(
        "the default config's batches take the slower engines through every incremental path; the "
        "multi-limit rounds run there in the full-build property test"
    ))),
], ids=["default", "multi"])
def test__property__incremental_batches_equal_reference_and_a_full_rebuild(project_factory, adapter, vars, config):
    count = SPARK_BATCHED_LOG_COUNT if adapter == "spark" else BATCHED_LOG_COUNT
    project, logs, final = _batched_run(project_factory, f"batched_{id(config)}", vars, config, count)
    agreeing, failures = _check(project, logs, final, exact_ids=False)
    print(f"\nincremental: {agreeing}/{len(logs)} logs agree with the reference")
    assert not failures, f"{agreeing}/{len(logs)} agree; first mismatch:\n{failures[0]}"
    incremental = snapshot_partition(project)
    result = project.build({**SOURCES_VARS, **vars, "idr_suppressions": "gdpr.suppressed"}, "--full-refresh")
    assert result.success, result.why
    agreeing, failures = _check(project, logs, final, exact_ids=False)
    assert not failures, f"after --full-refresh, {agreeing}/{len(logs)} agree; first mismatch:\n{failures[0]}"
    rebuilt = snapshot_partition(project)
    for key in incremental:
        assert rebuilt[key] == incremental[key], key
