"""Every shipped data test can fail: for each, tamper the table it guards the way the bug it exists
for would, and `dbt test --select <test>` fails; restore the table and it passes again.

The build is two runs: the named scenarios (scenarios.py) plus a few stories, then an incremental
run with a late event that splits a profile, an event that merges two, a new profile and a
suppression, so every state table and mart holds rows of an older batch and of the newest one (the
shipped tests check what the newest batch wrote). Tampering is done in SQL on the built tables,
each restored from a copy afterwards; views are never tampered with (there is nothing stored).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

import pytest

from scenarios import all_events, at, identify, track
from strategies import SOURCES_VARS, to_rows

VARS = {**SOURCES_VARS, "idr_suppressions": "gdpr.suppressed"}

# batch -> events first delivered in that run
BATCHES = [
    all_events() + [
        identify("sh-split-e1", 10, anonymous_id="sh-split-a1", email="sh-split-m1@x.com"),
        identify("sh-split-e2", 20, user_id="sh-split-u2", email="sh-split-m1@x.com"),
        track("sh-merge-e1", 30, anonymous_id="sh-merge-a1"),
        track("sh-merge-e2", 0, email="sh-merge-x@x.com"),
        identify("sh-sup-e1", 0, user_id="sh-sup-u1", email="sh-sup-m1@x.com"),
        track("sh-sup-e2", 1, anonymous_id="sh-sup-a1", email="sh-sup-m1@x.com"),
    ],
    [
        # late: earlier than the edges that joined u2, so u2's edge is now rejected (a split)
        identify("sh-split-e0", 5, user_id="sh-split-u1", anonymous_id="sh-split-a1"),
        track("sh-merge-e3", 40, anonymous_id="sh-merge-a1", email="sh-merge-x@x.com"),  # a merge
        identify("sh-new-e1", 50, user_id="sh-new-u1", anonymous_id="sh-new-a1", email="sh-new-m1@x.com"),
    ],
]
SUPPRESSED = [[], [{"identifier_type": "email", "identifier_value": "sh-sup-m1@x.com", "reason": "erasure"}]]


def _load(project, batch: int) -> None:
    events = [replace(e, loaded_at=at(24 * 60 * (b + 1))) for b in range(batch + 1) for e in BATCHES[b]]
    project.load({**to_rows(events), ("gdpr", "suppressed"): SUPPRESSED[batch]})


def _build_batches(project_factory, adapter, name: str, batches: int):
    """A project built batch by batch, one build per batch of BATCHES."""
    if adapter == "spark":
        pytest.skip("tampering rewrites tables in place (DELETE); parquet tables on Spark have no DELETE")
    project = project_factory(name)
    for batch in range(batches):
        _load(project, batch)
        result = project.build(VARS)
        assert result.success, result.why
    return project


@pytest.fixture(scope="module")
def built(project_factory, adapter):
    return _build_batches(project_factory, adapter, "shipped", len(BATCHES))


@contextmanager
def _tampered(project, tables: list[str]):
    """Keep a copy of each table; put its rows back afterwards."""
    for table in tables:
        project.query(f"create table {table}__shipped_backup as select * from {table}")
    try:
        yield
    finally:
        for table in tables:
            project.query(f"delete from {table}")
            project.query(f"insert into {table} select * from {table}__shipped_backup")
            project.query(f"drop table {table}__shipped_backup")


def _dbt_test(project, selector: str):
    return project.dbt("test", "--select", selector, vars=VARS)


def _assert_catches(project, selector: str, tables: list[str], *statements: str, test_name: str | None = None,
                    problem: str | None = None, warns: bool = False) -> None:
    """`dbt test --select selector` fails after `statements` (warns, for a warning test), and passes
    once the tables are restored. `problem`: a singular test's rows name it (its `problem` column)."""
    with _tampered(project, tables):
        for statement in statements:
            project.query(statement)
        result = _dbt_test(project, selector)
        name = test_name or selector
        if warns:
            assert result.success, result.why
            assert any(f"Warning in test {name}" in line for line in result.logs), result.logs[-12:]
        else:
            assert not result.success, f"{selector} passed on tampered data"
            assert any(name in f and ": fail:" in f for f in result.failures), result.why
        if problem:
            compiled = project.dir / "target" / "compiled" / "identity_resolution" / "tests" / "singular"
            problems = {row[0] for row in project.query((compiled / f"{name}.sql").read_text())}
            assert problem in problems, problems
    result = _dbt_test(project, selector)
    assert result.success, result.why
    assert not any("Warning in test" in line for line in result.logs)


def _newest(table: str) -> str:
    return f"(select max(_batch_at) from {table})"


def _one_row_of_newest_batch(table: str) -> str:
    return f"select * from (select * from {table} where _batch_at = {_newest(table)} limit 1) as one_row"


# ------------------------------------------------------------------------------------------------
# the fixture itself: every shipped test passed, and the tables hold what the tampering needs
# ------------------------------------------------------------------------------------------------
def test__shipped_tests__the_untampered_build_passes_them_all_and_every_table_has_a_newest_batch(built):
    result = built.dbt("test", vars=VARS)
    assert result.success, result.why
    for table in GRAIN_KEYS:
        ((batches, newest_rows),) = built.query(
            f"select count(distinct _batch_at), sum(case when _batch_at = {_newest(table)} then 1 else 0 end)"
            f" from {table}")
        assert newest_rows > 0 and batches == (1 if table == "int_idr__suppressions" else 2), table
    assert built.query("select count(*) from idr_edges where status = 'rejected' and _batch_at = "
                       + _newest("idr_edges")) != [(0,)]


# ------------------------------------------------------------------------------------------------
# grain: idr_unique_combination with batch_column
# ------------------------------------------------------------------------------------------------
GRAIN_KEYS = {
    "int_idr__deliveries": "event_key, content_hash",
    "int_idr__suppressions": "node_id",
    "int_idr__events": "event_key",
    "int_idr__occurrences": "event_key, node_id",
    "int_idr__trait_events": "event_key",
    "int_idr__nodes": "node_id",
    "int_idr__edges": "node_a, node_b",
    "int_idr__node_components": "node_id",
    "int_idr__node_profiles": "node_id",
    "idr_profiles": "profile_id",
    "idr_profile_traits": "profile_id",
    "idr_edges": "identifier_type_a, identifier_value_a, identifier_type_b, identifier_value_b",
    "idr_profile_changes": "profile_id, change_type, related_profile_id, _batch_at",
    "idr_identifier_changes": "node_id, _batch_at",
}


@pytest.mark.parametrize("table", sorted(GRAIN_KEYS))
def test__shipped_test__idr_unique_combination__catches_a_key_written_twice(built, table):
    """An incremental write that inserted a key's row without deleting the one there."""
    _assert_catches(built, f"{table},test_name:idr_unique_combination", [table],
                    f"insert into {table} {_one_row_of_newest_batch(table)}",
                    test_name="idr_unique_combination")


def test__shipped_test__idr_unique_combination__catches_an_old_row_left_behind(built):
    """A key the newest batch rewrote whose row of an earlier batch is still there."""
    table = "int_idr__nodes"
    _assert_catches(built, f"{table},test_name:idr_unique_combination", [table],
                    f"create table nodes__shipped_old as {_one_row_of_newest_batch(table)}",
                    "update nodes__shipped_old set _batch_at = (select min(_batch_at) from int_idr__nodes)",
                    f"insert into {table} select * from nodes__shipped_old",
                    "drop table nodes__shipped_old",
                    test_name="idr_unique_combination")


# ------------------------------------------------------------------------------------------------
# idr_assert_every_delivered_row_accounted_for
# ------------------------------------------------------------------------------------------------
def test__shipped_test__idr_assert_every_delivered_row_accounted_for__catches_a_miscounted_delivery(built):
    _assert_catches(built, "idr_assert_every_delivered_row_accounted_for", ["int_idr__events"],
                    "update int_idr__events set delivery_count = delivery_count + 1 where event_key = ("
                    "select min(event_key) from int_idr__events where _batch_at = "
                    f"{_newest('int_idr__events')})")


def test__shipped_test__idr_assert_every_delivered_row_accounted_for__catches_a_delivery_lost_on_its_way(built):
    _assert_catches(built, "idr_assert_every_delivered_row_accounted_for", ["int_idr__events"],
                    "delete from int_idr__events where event_key = (select min(event_key) from int_idr__deliveries"
                    f" where _batch_at = {_newest('int_idr__deliveries')} and quarantine_reason is null)")


@pytest.fixture(scope="module")
def first_built(project_factory, adapter):
    """The first batch alone: every state table holds one batch, which the tests check whole."""
    return _build_batches(project_factory, adapter, "shipped_first", 1)


def test__shipped_test__idr_assert_every_delivered_row_accounted_for__catches_a_lost_delivery_in_a_first_build(
        first_built):
    """A first build counts every usable delivery against every event without matching them."""
    _assert_catches(first_built, "idr_assert_every_delivered_row_accounted_for", ["int_idr__events"],
                    "delete from int_idr__events where event_key = (select min(event_key) from int_idr__deliveries"
                    " where quarantine_reason is null)")


# ------------------------------------------------------------------------------------------------
# idr_assert_profiles_within_limits
# ------------------------------------------------------------------------------------------------
def test__shipped_test__idr_assert_profiles_within_limits__catches_two_user_ids_in_one_profile(built):
    first_user_id = "(select min(node_id) from int_idr__nodes where identifier_type = 'user_id')"
    other_user_id = (f"(select max(node_id) from int_idr__nodes where identifier_type = 'user_id'"
                     f" and node_id <> {first_user_id})")
    _assert_catches(built, "idr_assert_profiles_within_limits", ["int_idr__node_profiles"],
                    "update int_idr__node_profiles set _batch_at = "
                    f"{_newest('int_idr__node_profiles')}, profile_id = (select profile_id from int_idr__node_profiles"
                    f" where node_id = {first_user_id}) where node_id = {other_user_id}")


# ------------------------------------------------------------------------------------------------
# idr_assert_every_identifier_in_one_profile
# ------------------------------------------------------------------------------------------------
def test__shipped_test__idr_assert_every_identifier_in_one_profile__catches_an_identifier_left_without_profile(
        built):
    _assert_catches(built, "idr_assert_every_identifier_in_one_profile", ["int_idr__node_profiles"],
                    "delete from int_idr__node_profiles where node_id = (select min(node_id) from int_idr__nodes"
                    f" where _batch_at = {_newest('int_idr__nodes')})",
                    problem="identifier without a profile")


def test__shipped_test__idr_assert_every_identifier_in_one_profile__catches_a_vanished_identifier_keeping_a_profile(
        built):
    _assert_catches(built, "idr_assert_every_identifier_in_one_profile", ["int_idr__nodes"],
                    "delete from int_idr__nodes where node_id = (select min(node_id) from int_idr__node_profiles"
                    f" where _batch_at = {_newest('int_idr__node_profiles')} and profile_id is not null)",
                    problem="profile kept by an identifier no event carries")


def test__shipped_test__idr_assert_every_identifier_in_one_profile__catches_an_event_whose_anchor_lost_its_profile(
        built):
    anchor = ("(select min(anchor_node_id) from int_idr__events where _batch_at = "
              f"{_newest('int_idr__events')})")
    _assert_catches(built, "idr_assert_every_identifier_in_one_profile", ["int_idr__node_profiles"],
                    "update int_idr__node_profiles set profile_id = null, _batch_at = "
                    f"{_newest('int_idr__node_profiles')} where node_id = {anchor}",
                    problem="event with an anchor but no profile")


@pytest.mark.engines("duckdb", why="node ids and the published ids are hashed and joined the same way on every engine")
def test__shipped_test__idr_assert_every_identifier_in_one_profile__catches_profile_ids_kept_across_a_new_salt(
        project_factory):
    """A new idr_hash_salt gives every identifier a new node id; the published ids, kept through
    --full-refresh, stay on the old ones. The build fails until the ids are reset with the salt, as
    idr_assert_no_hash_collisions says to do."""
    project = project_factory("new_salt")
    project.load(to_rows(BATCHES[0]))
    assert project.build(SOURCES_VARS).success
    salted = {**SOURCES_VARS, "idr_hash_salt": "1"}
    kept = project.build(salted, "--full-refresh")
    assert not kept.success
    assert [f.split(":")[0] for f in kept.failures] == ["idr_assert_every_identifier_in_one_profile"], kept.failures
    reset = project.build({**salted, "idr_reset_profile_ids": True}, "--full-refresh")
    assert reset.success, reset.why


# ------------------------------------------------------------------------------------------------
# idr_assert_profiles_are_resolved_components
# ------------------------------------------------------------------------------------------------
def _touched_profile(rank: str) -> str:
    """A profile the newest batch of int_idr__node_profiles wrote (rank: min or max)."""
    return (f"(select {rank}(profile_id) from int_idr__node_profiles where _batch_at = "
            f"{_newest('int_idr__node_profiles')} and profile_id is not null)")


def test__shipped_test__idr_assert_profiles_are_resolved_components__catches_one_id_given_to_two_components(built):
    _assert_catches(built, "idr_assert_profiles_are_resolved_components", ["int_idr__node_profiles"],
                    f"update int_idr__node_profiles set profile_id = {_touched_profile('min')}, is_profile_key = false"
                    f" where profile_id = {_touched_profile('max')}",
                    problem="profile spanning several resolved components")


def test__shipped_test__idr_assert_profiles_are_resolved_components__catches_a_component_split_between_two_ids(built):
    member = ("(select max(node_profiles.node_id) from int_idr__node_profiles as node_profiles"
              " where not node_profiles.is_profile_key and node_profiles.profile_id is not null"
              f" and node_profiles._batch_at = {_newest('int_idr__node_profiles')})")
    _assert_catches(built, "idr_assert_profiles_are_resolved_components", ["int_idr__node_profiles"],
                    f"update int_idr__node_profiles set profile_id = 'tampered' where node_id = {member}",
                    problem="resolved component under several profile ids")


def test__shipped_test__idr_assert_profiles_are_resolved_components__catches_a_profile_without_its_key(built):
    _assert_catches(built, "idr_assert_profiles_are_resolved_components", ["int_idr__node_profiles"],
                    "update int_idr__node_profiles set is_profile_key = false where is_profile_key"
                    f" and profile_id = {_touched_profile('min')}",
                    problem="profile without exactly one key identifier")


# ------------------------------------------------------------------------------------------------
# idr_assert_edges_consistent_with_profiles
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("build", ["built", "first_built"])
def test__shipped_test__idr_assert_edges_consistent_with_profiles__catches_an_edge_that_should_have_merged(
        build, request):
    """One end of an accepted edge the newest batch resolved is moved to a profile of its own: the
    two profiles would break no limit together, so the resolution had to merge them. In a first
    build every edge is checked, without looking at the components."""
    end_b = ("(select max(edges.node_b) from int_idr__edges as edges"
             " inner join int_idr__node_components as components on edges.node_a = components.node_id"
             " inner join int_idr__nodes as nodes on edges.node_b = nodes.node_id"
             f" where components._batch_at = {_newest('int_idr__node_components')}"
             " and nodes.identifier_type = 'anonymous_id')")
    _assert_catches(request.getfixturevalue(build), "idr_assert_edges_consistent_with_profiles",
                    ["int_idr__node_profiles"],
                    f"update int_idr__node_profiles set profile_id = 'tampered' where node_id = {end_b}",
                    problem="edge between two profiles that break no limit together")


def test__shipped_test__idr_assert_edges_consistent_with_profiles__catches_a_stale_status(built):
    _assert_catches(built, "idr_assert_edges_consistent_with_profiles", ["idr_edges"],
                    "update idr_edges set status = 'accepted', rejection_reason = null"
                    f" where status = 'rejected' and _batch_at = {_newest('idr_edges')}",
                    problem="accepted edge between two profiles")


def test__shipped_test__idr_assert_edges_consistent_with_profiles__catches_a_rejection_without_a_limit(built):
    _assert_catches(built, "idr_assert_edges_consistent_with_profiles", ["idr_edges"],
                    "update idr_edges set rejection_reason = 'unknown'"
                    f" where status = 'rejected' and _batch_at = {_newest('idr_edges')}",
                    problem="rejected edge without a limit named")


def test__shipped_test__idr_assert_edges_consistent_with_profiles__catches_an_edge_missing_from_idr_edges(built):
    _assert_catches(built, "idr_assert_edges_consistent_with_profiles", ["idr_edges"],
                    f"delete from idr_edges where _batch_at = {_newest('idr_edges')}",
                    problem="edge missing from idr_edges")


def test__shipped_test__idr_assert_edges_consistent_with_profiles__catches_stale_profile_ids(built):
    _assert_catches(built, "idr_assert_edges_consistent_with_profiles", ["idr_edges"],
                    "update idr_edges set profile_id_b = profile_id_a"
                    f" where status = 'rejected' and _batch_at = {_newest('idr_edges')}",
                    problem="edge with stale profile ids")


# ------------------------------------------------------------------------------------------------
# idr_assert_no_hash_collisions
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("table, flag", [("int_idr__nodes", "has_hash_collision"),
                                         ("int_idr__events", "has_key_collision")])
def test__shipped_test__idr_assert_no_hash_collisions__catches_a_shared_hash(built, table, flag):
    _assert_catches(built, "idr_assert_no_hash_collisions", [table],
                    f"update {table} set {flag} = true where _batch_at = {_newest(table)}")


@pytest.mark.engines("duckdb", "postgres",
                     why="the flag's SQL is DuckDB's own or the portable one (idr_node_identity); Spark runs the "
                         "portable SQL that PostgreSQL runs")
def test__nodes__identifiers_that_share_a_node_id_are_flagged(project_factory):
    """Node ids made to collide (this project's idr_node_id keeps the hash modulo 1000: of a few
    hundred identifiers some share an id, most do not): int_idr__nodes flags exactly the node ids
    that more than one identifier shares, and idr_assert_no_hash_collisions fails on them."""
    project = project_factory("collisions")
    node_id = project.dir / "macros" / "identifiers" / "idr_node_id.sql"
    node_id.write_text(
        "{% macro idr_node_id(cfg, type_expr, value_expr) %}\n"
        "    {{- return('(' ~ identity_resolution.idr_hash64([type_expr, value_expr], cfg['settings']['hash_salt'])"
        " ~ ' % 1000)') -}}\n"
        "{% endmacro %}\n")
    _load(project, 0)
    ran = project.dbt("run", "--select", "+int_idr__nodes", vars=VARS)
    assert ran.success, ran.why
    flagged = {row[0] for row in project.query("select node_id from int_idr__nodes where has_hash_collision")}
    shared = {row[0] for row in project.query(
        "select node_id from int_idr__occurrences where is_current group by node_id"
        " having count(distinct identifier_type || ':' || identifier_value) > 1")}
    assert shared and flagged == shared
    assert len(project.query("select node_id from int_idr__nodes where not has_hash_collision")) > 0
    tested = project.dbt("test", "--select", "idr_assert_no_hash_collisions", vars=VARS)
    assert not tested.success and [f.split(":")[0] for f in tested.failures] == ["idr_assert_no_hash_collisions"], \
        tested.why


# ------------------------------------------------------------------------------------------------
# idr_assert_marts_in_step
# ------------------------------------------------------------------------------------------------
def test__shipped_test__idr_assert_marts_in_step__catches_stale_profile_counts(built):
    _assert_catches(built, "idr_assert_marts_in_step", ["idr_profiles"],
                    "update idr_profiles set identifier_count = identifier_count + 1"
                    f" where _batch_at = {_newest('idr_profiles')}",
                    problem="idr_profiles counts or times differ from its identifiers")


def test__shipped_test__idr_assert_marts_in_step__catches_a_retired_profile_left_in_idr_profiles(built):
    retired = "(select min(profile_id) from idr_profile_changes where change_type = 'merged')"
    _assert_catches(built, "idr_assert_marts_in_step", ["idr_profiles"],
                    f"create table profiles__shipped_retired as {_one_row_of_newest_batch('idr_profiles')}",
                    f"update profiles__shipped_retired set profile_id = {retired}",
                    "insert into idr_profiles select * from profiles__shipped_retired",
                    "drop table profiles__shipped_retired",
                    problem="idr_profiles row of a profile without identifiers")


def test__shipped_test__idr_assert_marts_in_step__catches_a_profile_missing_from_idr_profile_traits(built):
    _assert_catches(built, "idr_assert_marts_in_step", ["idr_profile_traits"],
                    "delete from idr_profile_traits where profile_id = (select min(profile_id)"
                    f" from idr_profile_traits where _batch_at = {_newest('idr_profile_traits')})",
                    problem="profile missing from idr_profile_traits")


def test__shipped_test__idr_assert_marts_in_step__catches_a_build_stopped_before_the_marts(built):
    """The state moved on (a newer batch of int_idr__node_profiles) and idr_profiles did not."""
    _assert_catches(built, "idr_assert_marts_in_step", ["idr_profiles"],
                    f"delete from idr_profiles where _batch_at = {_newest('idr_profiles')}",
                    problem="profile missing from idr_profiles")


# ------------------------------------------------------------------------------------------------
# idr_assert_profile_id_map_resolves
# ------------------------------------------------------------------------------------------------
def test__shipped_test__idr_assert_profile_id_map_resolves__catches_an_id_never_published(built):
    _assert_catches(built, "idr_assert_profile_id_map_resolves", ["idr_profile_changes"],
                    "delete from idr_profile_changes where change_type in ('created', 'split')"
                    f" and profile_id = {_touched_profile('min')}",
                    problem="active profile id never published")


def test__shipped_test__idr_assert_profile_id_map_resolves__catches_an_id_published_twice(built):
    created = ("select * from idr_profile_changes where change_type in ('created', 'split')"
               f" and profile_id = {_touched_profile('min')}")
    _assert_catches(built, "idr_assert_profile_id_map_resolves", ["idr_profile_changes"],
                    f"insert into idr_profile_changes {created}",
                    problem="profile id published more than once")


def test__shipped_test__idr_assert_profile_id_map_resolves__catches_a_retired_id_in_use(built):
    _assert_catches(built, "idr_assert_profile_id_map_resolves", ["idr_profile_changes"],
                    f"update idr_profile_changes set profile_id = {_touched_profile('min')}"
                    " where change_type = 'merged'",
                    problem="retired profile id in use again")


# ------------------------------------------------------------------------------------------------
# idr_warn_quarantined_rows (a warning)
# ------------------------------------------------------------------------------------------------
def test__shipped_test__idr_warn_quarantined_rows__warns_of_rows_kept_out_of_the_graph(built):
    _assert_catches(built, "idr_warn_quarantined_rows", ["int_idr__deliveries"],
                    "update int_idr__deliveries set quarantine_reason = 'missing_occurred_at'"
                    " where event_key = (select min(event_key) from int_idr__deliveries)",
                    warns=True)


# ------------------------------------------------------------------------------------------------
# scope: a build checks what it wrote, `dbt test` what the last run wrote (idr_tested_batch)
# ------------------------------------------------------------------------------------------------
def test__shipped_tests__a_build_with_nothing_new_checks_nothing_again_and_dbt_test_checks_the_newest_batch(built):
    # last in the file: the no-op build must leave the tables as the other tests found them
    batches = {table: built.query(f"select max(_batch_at) from {table}")[0][0] for table in GRAIN_KEYS}
    # a table only its grain test reads (other shipped tests may look back past their own batch)
    table = "idr_identifier_changes"
    with _tampered(built, [table]):
        built.query(f"insert into {table} {_one_row_of_newest_batch(table)}")
        build = built.build(VARS)  # nothing new: its tests check what it wrote, nothing
        assert build.success, build.why
        result = _dbt_test(built, f"{table},test_name:idr_unique_combination")
        assert not result.success and any("idr_unique_combination" in f for f in result.failures), result.failures
    # the build wrote no row, so the tampered batch is still the newest one `dbt test` checks
    assert {table: built.query(f"select max(_batch_at) from {table}")[0][0] for table in GRAIN_KEYS} == batches
