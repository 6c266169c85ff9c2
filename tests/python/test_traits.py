"""Profile traits: the latest non-blank value of each trait wins, across sources."""

from __future__ import annotations

import pytest

from scenarios import at
from strategies import SOURCES_VARS

pytestmark = pytest.mark.engines("duckdb", "postgres", why=(
    "one build whose trait SQL the property tests also check on Spark (they compare traits with the "
    "reference)"
))


@pytest.fixture(scope="module")
def traits(project_factory):
    project = project_factory("traits")
    identifies = [
        # jane renames herself, then sends a blank name (ignored) and a plan
        {"id": "t-e1", "timestamp": at(0), "user_id": "t-jane", "email": "t-jane@x.com", "name": "Jane Doe",
         "plan": "free"},
        {"id": "t-e2", "timestamp": at(10), "user_id": "t-jane", "name": "Jane Smith"},
        {"id": "t-e3", "timestamp": at(20), "user_id": "t-jane", "name": "  ", "plan": "pro"},
        # two values at the same second: the larger event id wins (deterministic tie-break)
        {"id": "t-e4", "timestamp": at(5), "user_id": "t-bob", "name": "Bob A"},
        {"id": "t-e5", "timestamp": at(5), "user_id": "t-bob", "name": "Bob B"},
        # an event with a junk user id carries traits but no identifier: its traits go nowhere
        {"id": "t-e6", "timestamp": at(30), "user_id": "null", "name": "Nobody"},
    ]
    contacts = [
        {"contact_id": "t-c1", "created_at": at(15), "email": "T-JANE@x.com", "first_name": "Janet", "company": "Acme"},
    ]
    project.load({
        ("segment", "identifies"): identifies,
        ("segment", "tracks"): [{"id": "t-t1", "timestamp": at(1), "user_id": "t-jane", "event": "Clicked"}],
        ("segment", "pages"): [],
        ("crm", "contacts"): contacts,
        ("web", "sessions"): [],
    })
    result = project.build(SOURCES_VARS)
    assert result.success, result.why
    return project


def _traits_of(project, user_id: str) -> dict:
    (row,) = project.rows(
        "idr_profile_traits",
        f"profile_id = (select profile_id from idr_identifiers where identifier_value = '{user_id}')")
    return row


def test__traits__the_latest_non_blank_value_wins(traits):
    row = _traits_of(traits, "t-jane")
    assert row["name"] == "Jane Smith"  # the blank name at minute 20 does not erase it
    assert row["plan"] == "pro"
    assert row["email"] == "t-jane@x.com"


def test__traits__extra_sources_contribute_their_traits(traits):
    row = _traits_of(traits, "t-jane")
    assert row["first_name"] == "Janet"
    assert row["company"] == "Acme"


def test__traits__same_second_ties_break_by_event_id(traits):
    assert _traits_of(traits, "t-bob")["name"] == "Bob B"


def test__traits__every_profile_has_one_row(traits):
    ((profiles, rows),) = traits.query(
        "select (select count(*) from idr_profiles), (select count(*) from idr_profile_traits)")
    assert profiles == rows
    assert not any(r["name"] == "Nobody" for r in traits.rows("idr_profile_traits"))


def test__traits__a_redelivery_that_wins_without_the_trait_takes_it_away_and_equals_a_full_rebuild(project_factory):
    # an event first delivered with a name, then delivered again earlier in time without one: the
    # earlier delivery wins (int_idr__events), so the incremental run must drop the event from
    # int_idr__trait_events and the older name comes back, as a full rebuild finds
    project = project_factory("traits_redelivered")
    first = {"id": "t2-e1", "timestamp": at(10), "user_id": "t2-ann", "name": "Ann"}
    older = {"id": "t2-e0", "timestamp": at(0), "user_id": "t2-ann", "name": "Old Ann"}
    empty = {("segment", "tracks"): [], ("segment", "pages"): [], ("crm", "contacts"): [], ("web", "sessions"): []}
    project.load({("segment", "identifies"): [older, first], **empty})
    result = project.build(SOURCES_VARS)
    assert result.success, result.why
    assert _traits_of(project, "t2-ann")["name"] == "Ann"

    redelivered = {"id": "t2-e1", "timestamp": at(5), "user_id": "t2-ann"}
    project.load({("segment", "identifies"): [older, first, redelivered], **empty})
    result = project.build(SOURCES_VARS)
    assert result.success, result.why
    assert _traits_of(project, "t2-ann")["name"] == "Old Ann"
    assert project.query("select event_id from int_idr__trait_events order by event_id") == [("t2-e0",)]

    result = project.build(SOURCES_VARS, "--full-refresh")
    assert result.success, result.why
    assert _traits_of(project, "t2-ann")["name"] == "Old Ann"
    assert project.query("select event_id from int_idr__trait_events order by event_id") == [("t2-e0",)]
