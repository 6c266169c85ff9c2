"""Property tests: the SQL resolution equals the reference implementation on randomised logs.

Hypothesis generates the logs (shared devices and emails, junk ids, email variants, duplicate
deliveries, many timestamp ties); all logs of a config resolve in one dbt build (each under its
own prefix), then every log is compared with the reference: the profile of every event and of
every identifier, and the status of every edge. Mismatches are reported smallest log first.
"""

from __future__ import annotations

import os

import pytest

from logs import MULTI_LIMIT, MULTI_LIMIT_VARS, SOURCES_VARS, draw_logs, event_logs, namespaced, to_rows
from reference import Config, resolve

# Enough logs for the acceptance bar (300+); all of them resolve in one build, on every adapter.
LOG_COUNT = int(os.environ.get("IDR_PROPERTY_LOGS", "330"))


def _describe(log) -> str:
    return "\n".join(f"  {e.source} {e.event_id} {e.occurred_at:%H:%M} {list(e.identifiers)}" for e in log)


def _compare(project, logs, config: Config) -> tuple[int, list[str]]:
    events = {(r[0], r[1]): r[2] for r in project.query("select source_name, event_id, profile_id from idr_events")}
    identifiers = {(r[0], r[1]): r[2] for r in project.query(
        "select identifier_type, identifier_value, profile_id from idr_identifiers")}
    edges = {((r[0], r[1]), (r[2], r[3])): r[4] for r in project.query(
        "select identifier_type_a, identifier_value_a, identifier_type_b, identifier_value_b, status from idr_edges")}
    agreeing, failures = 0, []
    for log in logs:
        expected = resolve(log, config)
        problems = [f"event {k}: sql {events.get(k)} != ref {v}" for k, v in expected.event_profile.items()
                    if events.get(k) != v]
        problems += [f"identifier {k}: sql {identifiers.get(k)} != ref {v}"
                     for k, v in expected.identifier_profile.items() if identifiers.get(k) != v]
        problems += [f"edge {k}: sql {edges.get(k)} != ref {v}" for k, v in expected.edges.items()
                     if edges.get(k) != v]
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
    assert result.success, result.failures or result.exception
    agreeing, failures = _compare(project, logs, config)
    rejected = project.query("select count(*) from idr_edges where status = 'rejected'")[0][0]
    print(f"\n{name}: {agreeing}/{len(logs)} logs agree with the reference; {rejected} rejected edges; "
          f"component rounds {result.rounds('components')}, limit rounds {result.rounds('limits')}")
    # the logs must exercise the limits, or agreement would prove little
    assert rejected >= len(logs) // 10
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
    project, logs, agreeing, failures = _run(project_factory, "property_default", {}, Config())
    assert len(logs) >= min(300, LOG_COUNT)
    assert not failures, failures[0]
    _assert_limits_hold(project, Config())


@pytest.mark.property
def test__property__several_limits_equal_reference_exactly(project_factory):
    project, logs, agreeing, failures = _run(project_factory, "property_multi", MULTI_LIMIT_VARS, MULTI_LIMIT)
    _assert_limits_hold(project, MULTI_LIMIT)
    assert not failures, f"{agreeing}/{len(logs)} agree; first mismatch:\n{failures[0]}"
