"""Named scenarios: each test states the invariant it proves (see scenarios.py for the data).

All scenarios resolve in one dbt build (module fixture); each test reads its own slice.
"""

from __future__ import annotations

import pytest

from harness import as_datetime
from reference import profile_id_for, resolve
from scenarios import SCENARIOS, all_events
from strategies import SOURCES_VARS, to_rows


class Resolved:
    """The marts of one build, indexed for assertions."""

    def __init__(self, project):
        self.project = project
        self.events = {(r["source_name"], r["event_id"], r["event_version"]): r for r in project.rows("idr_events")}
        self.identifiers = {(r["identifier_type"], r["identifier_value"]): r for r in project.rows("idr_identifiers")}
        self.edges = project.rows("idr_edges")
        self.profiles = {r["profile_id"]: r for r in project.rows("idr_profiles")}
        self.traits = {r["profile_id"]: r for r in project.rows("idr_profile_traits")}

    def profile_of_event(self, event_id: str) -> str | None:
        return self.event(event_id)["profile_id"]

    def event(self, event_id: str) -> dict:
        (row,) = [r for (_, eid, _), r in self.events.items() if eid == event_id]
        return row

    def profile_of(self, type_name: str, value: str) -> str:
        return self.identifiers[(type_name, value)]["profile_id"]

    def members(self, profile_id: str) -> set[tuple[str, str]]:
        return {key for key, r in self.identifiers.items() if r["profile_id"] == profile_id}

    def prefixed(self, prefix: str) -> dict[tuple[str, str], dict]:
        return {key: r for key, r in self.identifiers.items() if key[1].startswith(prefix)}

    def edges_of(self, prefix: str) -> list[dict]:
        return [e for e in self.edges if e["identifier_value_a"].startswith(prefix)]


@pytest.fixture(scope="module")
def resolved(project_factory) -> Resolved:
    project = project_factory("scenarios")
    project.load(to_rows(all_events()))
    result = project.build(SOURCES_VARS)
    assert result.success, result.why
    return Resolved(project)


def test__singleton__one_identifier_is_one_profile(resolved):
    pid = resolved.profile_of_event("singleton-e1")
    assert resolved.members(pid) == {("anonymous_id", "singleton-a1")}
    assert pid == profile_id_for(("anonymous_id", "singleton-a1"))


def test__pair__two_identifiers_of_one_event_share_a_profile(resolved):
    pid = resolved.profile_of("user_id", "pair-u1")
    assert resolved.members(pid) == {("user_id", "pair-u1"), ("anonymous_id", "pair-a1")}
    assert resolved.profiles[pid]["primary_user_id"] == "pair-u1"


def test__chain__a_chain_of_events_is_one_profile(resolved):
    ids = resolved.prefixed("chain-")
    assert len(ids) == 21  # 11 anonymous ids, 10 emails
    assert len({r["profile_id"] for r in ids.values()}) == 1
    assert {resolved.profile_of_event(f"chain-x{i}") for i in range(10)} == {next(iter(ids.values()))["profile_id"]}


def test__star__many_anonymous_ids_around_one_user_are_one_profile(resolved):
    pid = resolved.profile_of("user_id", "star-u1")
    assert len(resolved.members(pid)) == 21
    assert resolved.profiles[pid]["anonymous_id_count"] == 20
    assert resolved.profiles[pid]["event_count"] == 20


def test__diamond__two_paths_between_two_identifiers_make_one_profile_and_reject_nothing(resolved):
    ids = resolved.prefixed("diamond-")
    assert len({r["profile_id"] for r in ids.values()}) == 1
    assert {e["status"] for e in resolved.edges_of("diamond-")} == {"accepted"}
    assert len(resolved.edges_of("diamond-")) == 4


def test__cycle__a_cycle_is_one_profile(resolved):
    ids = resolved.prefixed("cycle-")
    assert len(ids) == 4
    assert len({r["profile_id"] for r in ids.values()}) == 1


def test__disjoint__unconnected_events_stay_apart(resolved):
    assert resolved.profile_of_event("disjoint-e1") != resolved.profile_of_event("disjoint-e2")


def test__duplicates__duplicate_deliveries_collapse_to_one_event(resolved):
    event = resolved.event("duplicates-e1")
    assert event["delivery_count"] == 3
    assert resolved.identifiers[("user_id", "duplicates-u1")]["event_count"] == 1
    assert resolved.profiles[event["profile_id"]]["event_count"] == 1


def test__blocked__blocked_values_never_become_identifiers_but_events_count(resolved):
    assert not any(v in ("null", "undefined", "-1", "00000000-0000-0000-0000-000000000000")
                   for _, v in resolved.identifiers)
    e1 = resolved.event("blocked-e1")
    assert e1["profile_id"] == resolved.profile_of("anonymous_id", "blocked-a1")
    assert e1["blocked_identifier_count"] == 2
    e2 = resolved.event("blocked-e2")
    assert e2["resolved_by_type"] == "email" and e2["blocked_identifier_count"] == 2


def test__email_variants__case_and_spaces_normalise_to_one_email(resolved):
    emails = [key for key in resolved.prefixed("email_variants-") if key[0] == "email"]
    assert emails == [("email", "email_variants-jane@example.com")]
    pids = {resolved.profile_of_event(e) for e in ("email_variants-e1", "email_variants-c1", "email_variants-e2")}
    assert len(pids) == 1


def test__only_junk__events_without_usable_identifiers_keep_a_row_with_a_reason(resolved):
    assert resolved.event("only_junk-e1")["profile_id"] is None
    assert resolved.event("only_junk-e1")["unresolved_reason"] == "all_identifiers_blocked"
    assert resolved.event("only_junk-e2")["unresolved_reason"] == "no_identifiers"
    assert resolved.event("only_junk-e3")["unresolved_reason"] == "all_identifiers_blocked"


def test__extra_source__crm_contacts_link_by_email_and_by_normalised_phone(resolved):
    pid = resolved.profile_of("user_id", "extra_source-u1")
    assert resolved.profile_of_event("extra_source-c1") == pid
    assert resolved.profile_of_event("extra_source-c2") == pid
    assert ("phone", "+15550100999") in resolved.members(pid)
    assert resolved.identifiers[("phone", "+15550100999")]["sources"] == "crm_contacts"


def test__shared_device__a_shared_device_never_merges_two_user_ids(resolved):
    mum = resolved.profile_of("user_id", "shared_device-mum")
    kid = resolved.profile_of("user_id", "shared_device-kid")
    assert mum != kid
    assert resolved.profile_of("anonymous_id", "shared_device-ipad") == mum  # first come, first served
    assert resolved.profile_of_event("shared_device-e2") == kid
    assert resolved.profile_of_event("shared_device-e3") == mum
    (rejected,) = [e for e in resolved.edges_of("shared_device-") if e["status"] == "rejected"]
    assert rejected["rejection_reason"] == "user_id limit 1 exceeded: shared_device-kid vs shared_device-mum"


def test__shared_email__a_team_email_stays_with_its_first_user(resolved):
    u1, u2, u3 = (resolved.profile_of("user_id", f"shared_email-u{i}") for i in (1, 2, 3))
    assert len({u1, u2, u3}) == 3
    assert resolved.profile_of("email", "shared_email-team@acme.com") == u1
    assert resolved.profiles[u2]["email_count"] == 0


def test__late_event__time_order_decides_not_load_order(resolved):
    assert resolved.profile_of("anonymous_id", "late_event-a1") == resolved.profile_of("user_id", "late_event-u1")


def test__tie__same_second_ties_break_by_the_anchor_value(resolved):
    assert resolved.profile_of("anonymous_id", "tie-a1") == resolved.profile_of("user_id", "tie-u1")


def test__at1__later_user_id_with_a_known_email_gets_its_own_profile(resolved):
    first = resolved.profile_of("user_id", "at1-abc123")
    second = resolved.profile_of("user_id", "at1-abc456")
    assert resolved.members(first) == {("user_id", "at1-abc123"), ("email", "at1-jane@example1.com")}
    assert resolved.members(second) == {("user_id", "at1-abc456")}
    assert resolved.profile_of_event("at1-e2") == second


def test__at2__an_anonymous_id_stays_with_its_first_user(resolved):
    u1 = resolved.profile_of("user_id", "at2-u1")
    u2 = resolved.profile_of("user_id", "at2-u2")
    assert resolved.members(u1) == {("anonymous_id", "at2-a1"), ("user_id", "at2-u1")}
    assert resolved.members(u2) == {("user_id", "at2-u2")}
    assert resolved.profile_of_event("at2-e3") == u2
    assert resolved.profile_of_event("at2-e2") == u1


def test__at7__a_blocked_user_id_leaves_the_anonymous_id(resolved):
    event = resolved.event("at7-e1")
    assert event["resolved_by_type"] == "anonymous_id" and event["resolved_by_value"] == "at7-a9"
    assert resolved.members(event["profile_id"]) == {("anonymous_id", "at7-a9")}


def test__hash_lookalikes__two_values_a_weak_hash_confuses_stay_two_identifiers(resolved):
    first = resolved.profile_of("email", "gabriel_clark600732@example.net")
    second = resolved.profile_of("email", "gabriel.clark603732@example.net")
    assert first != second
    assert resolved.members(first) == {("email", "gabriel_clark600732@example.net"),
                                       ("anonymous_id", "hash_lookalikes-a1")}
    assert resolved.members(second) == {("email", "gabriel.clark603732@example.net"),
                                        ("anonymous_id", "hash_lookalikes-a2")}


def test__at8__a_shared_unlimited_identifier_merges(resolved):
    pid = resolved.profile_of("ga_client_id", "at8-g")
    assert resolved.members(pid) == {("ga_client_id", "at8-g"), ("anonymous_id", "at8-x1"), ("anonymous_id", "at8-x2")}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test__scenario_agrees_with_the_reference(resolved, name):
    expected = resolve(SCENARIOS[name])
    for key, pid in expected.event_profile.items():
        assert resolved.events[key]["profile_id"] == pid, key
    for key, pid in expected.identifier_profile.items():
        assert resolved.identifiers[key]["profile_id"] == pid, key
    for (a, b), status in expected.edges.items():
        (row,) = [e for e in resolved.edges if (e["identifier_type_a"], e["identifier_value_a"]) == a
                  and (e["identifier_type_b"], e["identifier_value_b"]) == b]
        assert row["status"] == status, (a, b)


def test__events__every_delivered_event_appears_once(resolved):
    delivered = {e.key for e in all_events()}
    assert set(resolved.events) == delivered


def test__identifiers__first_and_last_seen_come_from_the_events(resolved):
    row = resolved.identifiers[("anonymous_id", "star-a0")]
    assert as_datetime(row["first_seen_at"]) == as_datetime(row["last_seen_at"])
    user = resolved.identifiers[("user_id", "star-u1")]
    assert as_datetime(user["last_seen_at"]) > as_datetime(user["first_seen_at"])
