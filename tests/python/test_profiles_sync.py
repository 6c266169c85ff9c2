"""Profiles Sync compatible models: a small Segment-shaped log built in five incremental runs, and
every Profiles Sync model checked row by row against expectations derived by hand.

Three stories share the project (each under its own prefix):

* ``m-``: profiles created, merged (the older id survives), merged again (recursive entries);
* ``s-``: a late event splits a profile (Segment never splits: how it shows in these tables);
* ``g-``: an email suppressed after it was mapped (its value leaves every Profiles Sync table);
* ``c-``: the case study of Segment's Profiles Sync documentation (two anonymous visits, then the
  second device signs up with the first one's email): Segment's documented rows.

Profile ids are named as the package names a new profile: md5 of its earliest identifier.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime

import pytest

from harness import as_datetime
from reference import profile_id_for
from scenarios import at, identify, page, track
from strategies import SOURCES_VARS, TRAITS, batched_logs, draw_logs, namespaced, prefixed, to_rows

pytestmark = pytest.mark.engines("duckdb", "postgres", why=(
    "several builds each; Spark answers each statement in tenths of a second, so its pass keeps to "
    "the engine-specific SQL of staging, resolution and the incremental materialization (DECISIONLOG "
    "22)"
))

VARS = {**SOURCES_VARS, "idr_suppressions": "gdpr.suppressed", "idr_profiles_sync_enabled": True}


def _traits(event, **traits):
    return replace(event, traits=tuple(traits.items()))


# run -> events delivered in that run
RUNS = [
    [page("m-e1", 0, anonymous_id="m-a1"),
     _traits(identify("m-e2", 1, anonymous_id="m-a1", email="m-jane@x.com"), name="Jane"),
     identify("s-e1", 10, anonymous_id="s-a1", email="s-m1@x.com"),
     identify("s-e2", 20, user_id="s-u2", email="s-m1@x.com"),
     identify("g-e1", 0, user_id="g-u1", email="g-m@x.com"),
     page("c-e1", 100, anonymous_id="c-a1"),
     identify("c-e2", 101, anonymous_id="c-a1", email="c-jane@x.com")],
    [page("m-e3", 10, anonymous_id="m-a2"),
     track("m-e4", 11, anonymous_id="m-a3"),
     # late: earlier than everything of its story, it takes user_id s-u1 into the profile first
     identify("s-e0", 5, user_id="s-u1", anonymous_id="s-a1"),
     page("c-e3", 200, anonymous_id="c-a2")],
    [identify("m-e5", 12, anonymous_id="m-a4", user_id="m-u1"),
     _traits(identify("m-e6", 13, anonymous_id="m-a2", email="m-jane@x.com"), name="Jane Doe"),
     identify("c-e4", 201, anonymous_id="c-a2", email="c-jane@x.com")],
    [track("m-e7", 20, anonymous_id="m-a3", user_id="m-u1")],
    [_traits(identify("m-e8", 30, user_id="m-u1", email="m-jane@x.com"), plan="pro")],
]
SUPPRESSED_FROM_RUN = 2
SUPPRESSED = [{"identifier_type": "email", "identifier_value": "g-m@x.com", "reason": "erasure request"}]

A = profile_id_for(("anonymous_id", "m-a1"))
B = profile_id_for(("anonymous_id", "m-a2"))
C = profile_id_for(("anonymous_id", "m-a3"))
D = profile_id_for(("user_id", "m-u1"))
S = profile_id_for(("email", "s-m1@x.com"))
U2 = profile_id_for(("user_id", "s-u2"))
G = profile_id_for(("user_id", "g-u1"))
P1 = profile_id_for(("anonymous_id", "c-a1"))
P2 = profile_id_for(("anonymous_id", "c-a2"))
NAMES = {A: "A", B: "B", C: "C", D: "D", S: "S", U2: "U2", G: "G", P1: "P1", P2: "P2"}


def _sorted(rows) -> list:
    """Rows in a fixed order (None sorts like any other value)."""
    return sorted(rows, key=repr)


def _name(value):
    return NAMES.get(value, value)


def _schema(project) -> str:
    """Where dbt puts the Profiles Sync models: the target schema + `_profiles_sync`."""
    return f"{getattr(project.backend, 'dbt_schema', 'main')}_profiles_sync"


class Story:
    def __init__(self, project):
        self.project = project
        self.run_times: list[datetime] = []
        self.stamped: dict = {}

    def ps(self, relation: str) -> str:
        return f"{_schema(self.project)}.{relation}"

    def rows(self, relation: str) -> list[dict]:
        return self.project.rows(self.ps(relation))

    def run_of(self, value) -> int:
        """The index of the run that wrote a row, from its seq (text) or uuid_ts (timestamp)."""
        when = datetime.fromisoformat(value) if isinstance(value, str) else as_datetime(value)
        return self.run_times.index(when)


def _check_invariants(story: Story, run: int) -> None:
    """After every run: the Profiles Sync views agree with the package's own marts."""
    p = story.project
    id_map = {r["profile_id"]: r["current_profile_id"] for r in p.rows("idr_profile_id_map")
              if r["current_profile_id"] is not None}
    graph = {r["segment_id"]: r["canonical_segment_id"] for r in story.rows("id_graph")}
    assert graph == id_map, f"run {run}: id_graph != idr_profile_id_map"
    identifiers = {(r["identifier_type"], r["identifier_value"]): r["profile_id"] for r in p.rows("idr_identifiers")}
    mapping = {(r["external_id_type"], r["external_id_value"]): r["canonical_segment_id"]
               for r in story.rows("external_id_mapping")}
    assert mapping == identifiers, f"run {run}: external_id_mapping != idr_identifiers"
    traits = {r["profile_id"]: tuple(r[t] for t in TRAITS) for r in p.rows("idr_profile_traits")}
    synced = {r["canonical_segment_id"]: tuple(r[t] for t in TRAITS) for r in story.rows("profile_traits")
              if r["merged_to"] is None}
    assert synced == traits, f"run {run}: profile_traits != idr_profile_traits"
    # an event's segment_id is written once: its profile at the end of the run that first resolved it
    stamped = {key: (segment_id, profile_id) for key, segment_id, profile_id in p.query(f"""
        select first_profiles.event_key, first_profiles.segment_id, events.profile_id
        from {story.ps('int_idr__event_first_profiles')} as first_profiles
        inner join int_idr__events as state on first_profiles.event_key = state.event_key
        inner join idr_events as events
            on state.source_name = events.source_name and state.event_id = events.event_id
            and coalesce(state.event_version, '') = coalesce(events.event_version, '')""")}
    for key, (segment_id, profile_id) in stamped.items():
        if key in story.stamped:
            assert segment_id == story.stamped[key], f"run {run}: the segment_id of event {key} changed"
        else:
            assert segment_id == profile_id, f"run {run}: event {key} stamped {segment_id}, resolved to {profile_id}"
            story.stamped[key] = segment_id
    unstamped = p.query(f"""
        select count(*) from int_idr__events as state
        where state.anchor_node_id is not null and state.event_key not in (
            select event_key from {story.ps('int_idr__event_first_profiles')})""")[0][0]
    assert unstamped == 0, f"run {run}: {unstamped} resolved events have no segment_id"


@pytest.fixture(scope="module")
def story(project_factory) -> Story:
    project = project_factory("profiles_sync")
    told = Story(project)
    delivered = []
    for run, events in enumerate(RUNS):
        delivered += [replace(e, loaded_at=at(24 * 60 * (run + 1))) for e in events]
        suppressed = SUPPRESSED if run >= SUPPRESSED_FROM_RUN else []
        project.load({**to_rows(delivered), ("gdpr", "suppressed"): suppressed})
        result = project.build(VARS)
        assert result.success, f"run {run}: {result.why}"
        told.run_times.append(as_datetime(project.query("select max(_batch_at) from int_idr__deliveries")[0][0]))
        _check_invariants(told, run)
    return told


def test__profiles_sync__id_graph_updates_record_creations_merges_recursive_entries_and_splits(story):
    rows = _sorted((_name(r["segment_id"]), _name(r["canonical_segment_id"]), r["change_type"], story.run_of(r["seq"]),
                   r["triggering_event_type"], r["triggering_event_id"], r["timestamp"])
                  for r in story.rows("id_graph_updates"))
    assert rows == _sorted([
        ("A", "A", "created", 0, "page", "m-e1", at(0)),
        ("B", "B", "created", 1, "page", "m-e3", at(10)),
        ("C", "C", "created", 1, "track", "m-e4", at(11)),
        ("D", "D", "created", 2, "identify", "m-e5", at(12)),
        # B and A share jane's email: A was published first, so A survives
        ("B", "A", "merged", 2, "identify", "m-e6", at(13)),
        ("D", "C", "merged", 3, "track", "m-e7", at(20)),
        ("C", "A", "merged", 4, "identify", "m-e8", at(30)),
        # Segment's recursive entry: D pointed to C, C merged into A
        ("D", "A", "remapped", 4, "identify", "m-e8", at(30)),
        ("S", "S", "created", 0, "identify", "s-e1", at(10)),
        # a late event split S: the part holding s-u2 gets a new id (Segment never splits)
        ("U2", "U2", "split", 1, "identify", "s-e0", at(5)),
        ("G", "G", "created", 0, "identify", "g-e1", at(0)),
        # Segment's case study: the three rows of its documentation
        ("P1", "P1", "created", 0, "page", "c-e1", at(100)),
        ("P2", "P2", "created", 1, "page", "c-e3", at(200)),
        ("P2", "P1", "merged", 2, "identify", "c-e4", at(201)),
    ])
    assert len({r["id"] for r in story.rows("id_graph_updates")}) == len(rows)


def test__profiles_sync__identifier_rows_are_not_rewritten_on_merge(story):
    rows = _sorted((r["external_id_type"], r["external_id_value"], _name(r["segment_id"]), r["__operation"],
                   r["change_type"], story.run_of(r["seq"]), r["triggering_event_type"], r["triggering_event_id"])
                  for r in story.rows("external_id_mapping_updates"))
    assert rows == _sorted([
        ("anonymous_id", "m-a1", "A", "CREATED", "mapped", 0, "page", "m-e1"),
        ("email", "m-jane@x.com", "A", "CREATED", "mapped", 0, "identify", "m-e2"),
        ("anonymous_id", "m-a2", "B", "CREATED", "mapped", 1, "page", "m-e3"),
        ("anonymous_id", "m-a3", "C", "CREATED", "mapped", 1, "track", "m-e4"),
        ("anonymous_id", "m-a4", "D", "CREATED", "mapped", 2, "identify", "m-e5"),
        ("user_id", "m-u1", "D", "CREATED", "mapped", 2, "identify", "m-e5"),
        # no row for m-a2 in run 2, m-a4 / m-u1 in run 3, anything in run 4: id_graph resolves them
        ("anonymous_id", "s-a1", "S", "CREATED", "mapped", 0, "identify", "s-e1"),
        ("email", "s-m1@x.com", "S", "CREATED", "mapped", 0, "identify", "s-e1"),
        ("user_id", "s-u2", "S", "CREATED", "mapped", 0, "identify", "s-e2"),
        ("user_id", "s-u1", "S", "CREATED", "mapped", 1, "identify", "s-e0"),
        # the split moved s-u2 without a merge: id_graph cannot say it, so a new row does
        ("user_id", "s-u2", "U2", "CREATED", "moved", 1, "identify", "s-e0"),
        ("user_id", "g-u1", "G", "CREATED", "mapped", 0, "identify", "g-e1"),
        # the suppressed email: its value is blanked in every row, and its removal is a row
        ("email", None, "G", "CREATED", "mapped", 0, "identify", "g-e1"),
        ("email", None, "G", "REMOVED", "removed", 2, None, None),
        ("anonymous_id", "c-a1", "P1", "CREATED", "mapped", 0, "page", "c-e1"),
        ("email", "c-jane@x.com", "P1", "CREATED", "mapped", 0, "identify", "c-e2"),
        ("anonymous_id", "c-a2", "P2", "CREATED", "mapped", 1, "page", "c-e3"),
    ])
    # external_id_hash: lower-hex SHA-1 of type || value (blanked with the value)
    for r in story.rows("external_id_mapping_updates"):
        value = r["external_id_value"]
        expected = hashlib.sha1(f"{r['external_id_type']}{value}".encode()).hexdigest() if value is not None else None
        assert r["external_id_hash"] == expected, r


def test__profiles_sync__profile_traits_updates_write_a_row_when_traits_change(story):
    rows = _sorted((_name(r["segment_id"]), r["email"], r["name"], r["plan"], story.run_of(r["seq"]))
                  for r in story.rows("profile_traits_updates"))
    assert rows == _sorted([
        ("A", "m-jane@x.com", "Jane", None, 0),
        ("B", None, None, None, 1),
        ("C", None, None, None, 1),
        # B merged into A: one row, for the surviving profile, with the traits combined
        ("A", "m-jane@x.com", "Jane Doe", None, 2),
        ("D", None, None, None, 2),
        # run 3: D merged into C, whose traits did not change: no row
        ("A", "m-jane@x.com", "Jane Doe", "pro", 4),
        ("S", "s-m1@x.com", None, None, 0),
        ("U2", "s-m1@x.com", None, None, 1),
        # the suppressed email is blanked in the earlier row too
        ("G", None, None, None, 0),
        ("G", None, None, None, 2),
        ("P1", "c-jane@x.com", None, None, 0),
        ("P2", None, None, None, 1),
    ])


def test__profiles_sync__id_graph_and_profile_merges_point_every_id_to_its_profile(story):
    expected = {("A", "A"), ("B", "A"), ("C", "A"), ("D", "A"), ("S", "S"), ("U2", "U2"), ("G", "G"),
                ("P1", "P1"), ("P2", "P1")}
    assert {(_name(r["segment_id"]), _name(r["canonical_segment_id"])) for r in story.rows("id_graph")} == expected
    merges = {(_name(r["segment_id"]), _name(r["canonical_segment_id"])) for r in story.rows("profile_merges")}
    assert merges == expected


def test__profiles_sync__profile_traits_keep_merged_to_tombstones(story):
    rows = _sorted((_name(r["canonical_segment_id"]), r["email"], r["name"], r["plan"], _name(r["merged_to"]))
                  for r in story.rows("profile_traits"))
    assert rows == _sorted([
        ("A", "m-jane@x.com", "Jane Doe", "pro", None),
        ("B", None, None, None, "A"),
        ("C", None, None, None, "A"),
        ("D", None, None, None, "A"),
        ("S", "s-m1@x.com", None, None, None),
        ("U2", "s-m1@x.com", None, None, None),
        ("G", None, None, None, None),
        ("P1", "c-jane@x.com", None, None, None),
        ("P2", None, None, None, "P1"),
    ])


def test__profiles_sync__user_identifiers_and_user_traits_hold_the_current_profiles(story):
    identifiers = _sorted((_name(r["canonical_segment_id"]), r["type"], r["value"])
                          for r in story.rows("user_identifiers"))
    assert identifiers == _sorted([
        ("A", "anonymous_id", "m-a1"), ("A", "anonymous_id", "m-a2"), ("A", "anonymous_id", "m-a3"),
        ("A", "anonymous_id", "m-a4"), ("A", "user_id", "m-u1"), ("A", "email", "m-jane@x.com"),
        ("S", "anonymous_id", "s-a1"), ("S", "email", "s-m1@x.com"), ("S", "user_id", "s-u1"),
        ("U2", "user_id", "s-u2"),
        ("G", "user_id", "g-u1"),
        ("P1", "anonymous_id", "c-a1"), ("P1", "anonymous_id", "c-a2"), ("P1", "email", "c-jane@x.com"),
    ])
    traits = _sorted((_name(r["canonical_segment_id"]), r["name"], r["value"]) for r in story.rows("user_traits"))
    assert traits == _sorted([
        ("A", "email", "m-jane@x.com"), ("A", "name", "Jane Doe"), ("A", "plan", "pro"),
        ("S", "email", "s-m1@x.com"), ("U2", "email", "s-m1@x.com"), ("P1", "email", "c-jane@x.com"),
    ])


def test__profiles_sync__events_carry_their_first_profile_and_their_profile_now(story):
    stamped = {}
    for table in ("identifies", "pages", "tracks"):
        for r in story.rows(table):
            stamped[r["id"]] = (table, _name(r["segment_id"]), _name(r["canonical_segment_id"]))
    assert stamped == {
        "m-e1": ("pages", "A", "A"),
        "m-e2": ("identifies", "A", "A"),
        "m-e3": ("pages", "B", "A"),
        "m-e4": ("tracks", "C", "A"),
        "m-e5": ("identifies", "D", "A"),
        "m-e6": ("identifies", "A", "A"),
        "m-e7": ("tracks", "C", "A"),
        "m-e8": ("identifies", "A", "A"),
        "s-e0": ("identifies", "S", "S"),
        "s-e1": ("identifies", "S", "S"),
        # first resolved to S; after the split, its profile is the new one
        "s-e2": ("identifies", "S", "U2"),
        "g-e1": ("identifies", "G", "G"),
        "c-e1": ("pages", "P1", "P1"),
        "c-e2": ("identifies", "P1", "P1"),
        "c-e3": ("pages", "P2", "P1"),
        # it caused the merge: it carries the surviving id (Segment's documentation shows profile_2)
        "c-e4": ("identifies", "P1", "P1"),
    }
    # Segment's columns are kept as delivered
    columns = set(story.project.backend.columns(story.ps("identifies")))
    assert {"id", "timestamp", "user_id", "anonymous_id", "email", "uuid_ts", "segment_id",
            "canonical_segment_id"} <= columns


def test__profiles_sync__a_suppressed_value_leaves_every_profiles_sync_table(story):
    p = story.project
    text = "string" if p.backend.adapter == "spark" else "varchar"
    for relation in ("id_graph_updates", "external_id_mapping_updates", "profile_traits_updates", "id_graph",
                     "external_id_mapping", "profile_traits", "user_identifiers", "user_traits", "profile_merges"):
        columns = p.backend.columns(story.ps(relation))
        condition = " or ".join(f"lower(cast({c} as {text})) like '%g-m@%'" for c in columns)
        assert p.query(f"select count(*) from {story.ps(relation)} where {condition}")[0][0] == 0, relation
    digest = hashlib.sha1(b"emailg-m@x.com").hexdigest()
    assert p.query(f"select count(*) from {story.ps('external_id_mapping_updates')} "
                   f"where external_id_hash = '{digest}'")[0][0] == 0


def test__profiles_sync__a_run_without_new_rows_writes_no_history(story):
    p = story.project
    counts = {r: p.query(f"select count(*) from {story.ps(r)}")[0][0]
              for r in ("id_graph_updates", "external_id_mapping_updates", "profile_traits_updates",
                        "int_idr__event_first_profiles")}
    result = p.build(VARS)
    assert result.success, result.why
    assert {r: p.query(f"select count(*) from {story.ps(r)}")[0][0] for r in counts} == counts


@pytest.mark.engines("duckdb", why=(
    "one build per batch; the story above takes PostgreSQL through every Profiles Sync path"
))
def test__profiles_sync__agree_with_the_marts_after_every_batch_of_random_logs(project_factory):
    """Random logs cut into batches (late events, disagreeing deliveries, suppressions lifted and
    added): after every incremental run id_graph is idr_profile_id_map, external_id_mapping is
    idr_identifiers, profile_traits is idr_profile_traits, and every event keeps its first profile."""
    drawn = draw_logs(batched_logs(), 40)
    project = project_factory("profiles_sync_random")
    story = Story(project)
    delivered: list = []
    for b in range(max(len(batches) for batches, _ in drawn)):
        suppressed = []
        for i, (batches, suppressions) in enumerate(drawn):
            if b < len(batches):
                delivered += namespaced(batches[b], f"l{i}-")
            for type_name, value in suppressions[min(b, len(suppressions) - 1)]:
                suppressed.append({"identifier_type": type_name, "identifier_value": prefixed(value, f"l{i}-"),
                                   "reason": "test"})
        project.load({**to_rows(delivered), ("gdpr", "suppressed"): suppressed})
        result = project.build(VARS)
        assert result.success, f"batch {b}: {result.why}"
        _check_invariants(story, b)



def test__lookup__a_suppressed_value_gets_a_clear_answer(story):
    said = story.project.dbt("run-operation", "idr_lookup", "--args",
                             json.dumps({"type": "email", "value": "G-M@x.com", "format": "json"}), vars=VARS)
    assert said.success, said.exception
    (answer,) = [json.loads(line) for line in said.logs if line.startswith("{") and '"message"' in line]
    assert (answer["status"], answer["profile"]) == ("suppressed", None)
    assert answer["message"] == "email g-m@x.com is suppressed (idr_suppressions): it was removed from every profile."
