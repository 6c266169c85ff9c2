"""idr_lookup and idr_explain (run-operations) and idr_lookup_sql (the same as SQL in a model).

One project: a few named scenarios (a shared family iPad, a diamond, a lone pair, junk values, email
variants) and a merge over two builds (an older profile id that now points to the merged profile).
Each run-operation is run with format: json (parsed and checked) and as text (the message a person
reads, printed to the console).
"""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest
from dbt.cli.main import dbtRunner

from reference import profile_id_for
from scenarios import SCENARIOS, at, identify, track
from strategies import SOURCES_VARS, to_rows

pytestmark = pytest.mark.engines("duckdb", "postgres", why=(
    "a local Spark build takes one to four minutes, so the Spark pass keeps to staging, the "
    "resolution (scenarios, property tests) and the incremental stories (DECISIONLOG 22)"
))

SCENARIO_NAMES = ("shared_device", "diamond", "pair", "blocked", "email_variants", "chain")
RUNS = [
    [replace(identify("lk-e1", 0, user_id="lk-u1", email="lk-jane@x.com"), traits=(("name", "Jane"),)),
     track("lk-e2", 5, anonymous_id="lk-a1")],
    # the anonymous visitor logs in: its profile merges into Jane's (published in the same run, seen earlier)
    [track("lk-e3", 10, anonymous_id="lk-a1", user_id="lk-u1")],
]
LOOKUP_MODEL = """
select * from ({{ identity_resolution.idr_lookup_sql('email', ' LK-Jane@X.com ', 'identifiers') }}) as identifiers
"""


@pytest.fixture(scope="module")
def project(project_factory):
    p = project_factory("lookup")
    (p.dir / "models" / "lookup_from_a_model.sql").write_text(LOOKUP_MODEL)
    delivered = [e for name in SCENARIO_NAMES for e in SCENARIOS[name]]
    for run, events in enumerate(RUNS):
        delivered += [replace(e, loaded_at=at(24 * 60 * (run + 1))) for e in events]
        p.load(to_rows(delivered))
        result = p.build(SOURCES_VARS)
        assert result.success, f"run {run}: {result.why}"
    return p


def _run(project, macro: str, args: dict, vars: dict | None = None) -> dict:
    """Run the macro with format: json, then as text; return the parsed JSON, with the printed text
    under "text" (for idr_explain and every answer without a profile, the text is the JSON's message)."""
    vars = {**SOURCES_VARS, **(vars or {})}
    said = project.dbt("run-operation", macro, "--args", json.dumps({**args, "format": "json"}), vars=vars)
    assert said.success, said.exception
    found = [json.loads(line) for line in said.logs if line.startswith("{") and '"message"' in line]
    assert len(found) == 1, said.logs[-5:]
    answer = found[0]
    printed = project.dbt("run-operation", macro, "--args", json.dumps(args), vars=vars)
    assert printed.success, printed.exception
    if answer.get("status") == "found":
        texts = [line for line in printed.logs if line.startswith("Profile ")]
    else:
        texts = [line for line in printed.logs if line == answer["message"]]
    assert len(texts) == 1, printed.logs[-5:]
    return {**answer, "text": texts[0]}


# --- idr_lookup ----------------------------------------------------------------------------------

def test__lookup__finds_the_profile_by_any_identifier_normalised_like_input(project):
    jane = profile_id_for(("user_id", "lk-u1"))
    for identifier in ({"type": "email", "value": "  LK-Jane@X.COM "}, {"type": "user_id", "value": "lk-u1"},
                       {"type": "ANONYMOUS_ID", "value": "lk-a1"}):
        answer = _run(project, "idr_lookup", identifier)
        assert (answer["status"], answer["identifier"]["profile_id"]) == ("found", jane), identifier
    assert answer["identifier"]["identifier_type"] == "anonymous_id"


def test__lookup__prints_identifiers_traits_latest_events_and_the_ids_merged_into_it(project):
    answer = _run(project, "idr_lookup", {"type": "email", "value": "lk-jane@x.com", "events": 2})
    jane, visitor = profile_id_for(("user_id", "lk-u1")), profile_id_for(("anonymous_id", "lk-a1"))
    assert answer["profile"]["profile_id"] == jane
    assert (answer["profile"]["first_seen_at"], answer["profile"]["last_seen_at"]) == ("2024-01-01 09:00:00",
                                                                                     "2024-01-01 09:10:00")
    assert answer["traits"] == {"email": "lk-jane@x.com", "name": "Jane"}
    assert [(i["identifier_type"], i["identifier_value"], i["first_seen_at"], i["last_seen_at"], i["sources"])
            for i in answer["identifiers"]] == [
        ("user_id", "lk-u1", "2024-01-01 09:00:00", "2024-01-01 09:10:00", "segment.identifies, segment.tracks"),
        ("email", "lk-jane@x.com", "2024-01-01 09:00:00", "2024-01-01 09:00:00", "segment.identifies"),
        ("anonymous_id", "lk-a1", "2024-01-01 09:05:00", "2024-01-01 09:10:00", "segment.tracks"),
    ]
    assert [e["event_id"] for e in answer["events"]] == ["lk-e3", "lk-e2"]  # latest 2 of 3, newest first
    assert [m["merged_profile_id"] for m in answer["merged_profile_ids"]] == [visitor]
    text = answer["text"]
    assert text.startswith(f"Profile {jane} (found by email lk-jane@x.com)")
    for expected in ("Traits:", "  name          Jane", "Identifiers (3):", "Latest events (2 of 3):",
                     f"Older profile ids pointing here (1):\n  {visitor}"):
        assert expected in text, expected


def test__lookup__a_blocked_value_gets_a_clear_answer(project):
    answer = _run(project, "idr_lookup", {"type": "user_id", "value": " NULL "})
    assert (answer["status"], answer["profile"]) == ("blocked", None)
    assert answer["message"].startswith("user_id ' NULL ' is a blocked value")
    assert answer["text"] == answer["message"]


def test__lookup__an_unknown_value_or_type_gets_a_clear_answer(project):
    answer = _run(project, "idr_lookup", {"type": "email", "value": "nobody@x.com"})
    assert (answer["status"], answer["message"]) == ("unknown", "email nobody@x.com is unknown: no event carries it.")
    assert answer["text"] == answer["message"]
    invalid = _run(project, "idr_lookup", {"type": "email", "value": "not-an-email"})
    assert invalid["status"] == "invalid"
    unknown_type = _run(project, "idr_lookup", {"type": "fax", "value": "123"})
    assert unknown_type["status"] == "unknown_type"
    assert unknown_type["message"].startswith(
        "'fax' is not an identifier type of this build (known types: user_id, email")


def test__lookup_sql__a_model_gets_the_same_as_sql(project):
    rows = project.query("select identifier_type, identifier_value, profile_id from lookup_from_a_model "
                         "order by priority_rank")
    jane = profile_id_for(("user_id", "lk-u1"))
    assert rows == [("user_id", "lk-u1", jane), ("email", "lk-jane@x.com", jane), ("anonymous_id", "lk-a1", jane)]


# --- idr_explain ---------------------------------------------------------------------------------

def test__explain__together_shows_the_chain_of_links_and_the_events_that_made_them(project):
    answer = _run(project, "idr_explain", {"a": {"type": "user_id", "value": "diamond-u1"},
                                           "b": {"type": "email", "value": "Diamond-M@x.com"}})
    assert answer["verdict"] == "same_profile"
    chain = [(link["from"]["value"], link["to"]["value"], link["status"], link["first_event"]["event_id"])
             for link in answer["links"]]
    # two shortest chains exist (through a1 or a2): the one whose links were seen first
    assert chain == [("diamond-u1", "diamond-a1", "accepted", "diamond-e1"),
                     ("diamond-a1", "diamond-m@x.com", "accepted", "diamond-e3")]
    text = answer["text"]
    assert text.startswith("Same person: user_id diamond-u1 and email diamond-m@x.com are both in profile")
    assert "1. user_id diamond-u1  <->  anonymous_id diamond-a1" in text
    assert "first together in identify diamond-e1 (segment.identifies) on 2024-01-01 09:00:00" in text


def test__explain__apart_by_a_limit_names_the_refused_link_and_the_collision(project):
    answer = _run(project, "idr_explain", {"a": {"type": "user_id", "value": "shared_device-kid"},
                                           "b": {"type": "user_id", "value": "shared_device-mum"}})
    assert answer["verdict"] == "different_profiles"
    assert [(link["from"]["value"], link["to"]["value"], link["status"], link["reason"],
             link["first_event"]["event_id"]) for link in answer["links"]] == [
        ("shared_device-kid", "shared_device-ipad", "rejected",
         "user_id limit 1 exceeded: shared_device-kid vs shared_device-mum", "shared_device-e2")]
    text = answer["text"]
    assert "refused: user_id limit 1 exceeded: shared_device-kid vs shared_device-mum" in text


def test__explain__apart_and_unconnected_says_no_event_links_them(project):
    answer = _run(project, "idr_explain", {"a": {"type": "user_id", "value": "pair-u1"},
                                           "b": {"type": "user_id", "value": "diamond-u1"}})
    assert (answer["verdict"], answer["links"]) == ("not_connected", [])
    assert "No event links them, directly or through other identifiers" in answer["text"]


def test__explain__a_blocked_value_gets_a_clear_answer(project):
    zeroes = "00000000-0000-0000-0000-000000000000"
    answer = _run(project, "idr_explain", {"a": {"type": "anonymous_id", "value": zeroes},
                                           "b": {"type": "email", "value": "blocked-m@x.com"}})
    assert (answer["verdict"], answer["a"]["status"], answer["b"]["status"]) == ("not_found", "blocked", "found")
    assert answer["message"].startswith(f"Cannot explain: anonymous_id '{zeroes}' is a blocked value")


def test__explain__an_unknown_value_gets_a_clear_answer(project):
    answer = _run(project, "idr_explain", {"a": {"type": "email", "value": "nobody@x.com"},
                                           "b": {"type": "user_id", "value": "pair-u1"}})
    assert (answer["verdict"], answer["a"]["status"]) == ("not_found", "unknown")
    assert "email nobody@x.com is unknown: no event carries it." in answer["message"]


def test__explain__one_identifier_lists_every_link_joined_or_refused(project):
    answer = _run(project, "idr_explain", {"a": {"type": "anonymous_id", "value": "shared_device-ipad"}})
    assert answer["verdict"] == "one_identifier"
    assert [(link["status"], link["from"]["value"], link["to"]["value"]) for link in answer["links"]] == [
        ("accepted", "shared_device-mum", "shared_device-ipad"),
        ("rejected", "shared_device-kid", "shared_device-ipad"),
    ]
    text = answer["text"]
    assert "  joined   user_id shared_device-mum" in text
    assert "  refused  user_id shared_device-kid (refused: user_id limit 1 exceeded" in text
    first = _run(project, "idr_explain", {"a": {"type": "anonymous_id", "value": "shared_device-ipad"}, "max_links": 1})
    assert (len(first["links"]), first["link_count"]) == (1, 2)
    assert "Events carried it together with 2 other identifiers (the first 1 here):" in first["text"]


def test__explain__a_search_longer_than_idr_max_rounds_fails_loudly(project):
    # the chain scenario: chain-a0 and chain-a10 are 20 links apart (20 hops, one query each)
    args = {"a": {"type": "anonymous_id", "value": "chain-a0"}, "b": {"type": "anonymous_id", "value": "chain-a10"}}
    answer = _run(project, "idr_explain", args)
    assert answer["verdict"] == "same_profile" and len(answer["links"]) == 20
    success, logs = _run_operation_directly(project, "idr_explain", args, {**SOURCES_VARS, "idr_max_rounds": 3})
    assert not success
    assert any("within idr_max_rounds (3) hops; raise idr_max_rounds" in line for line in logs)


def _run_operation_directly(project, macro: str, args: dict, vars: dict) -> tuple[bool, list[str]]:
    """A run-operation expected to fail, run with dbtRunner here (the harness reads failures of models)."""
    logs: list[str] = []
    cli = ["run-operation", macro, "--args", json.dumps(args), "--project-dir", str(project.dir),
           "--profiles-dir", str(project.dir / "profiles"), "--target", project.backend.target,
           "--vars", json.dumps(project._physical_vars(vars))]
    saved = {key: os.environ.get(key) for key in project.backend.env()}
    os.environ.update(project.backend.env())
    try:
        result = dbtRunner(callbacks=[lambda event: logs.append(str(getattr(event.info, "msg", "")))]).invoke(cli)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return bool(result.success), logs
