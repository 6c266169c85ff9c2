"""Compare what a build wrote with the reference implementation (reference.resolve).

`Marts` reads the marts of one build once; `mismatches` lists every difference with the reference
for one log (all logs of a property test live in one build, each under its own prefix): the
profile of every event and identifier, the status of every edge, the event counts and unresolved
reasons, the traits, the quarantined rows. With exact_ids the profile ids must be the reference's
(md5 of the earliest identifier, as a build from scratch names them); without, the partitions
must be equal (incremental builds keep the ids they published).
"""

from __future__ import annotations

from collections import Counter

from reference import Resolution
from strategies import belongs


class Marts:
    def __init__(self, project):
        self.events = {(r[0], r[1], r[2]): r[3:] for r in project.query("""
            select source_name, event_id, event_version, profile_id, delivery_count, conflicting_delivery_count,
                identifier_count, blocked_identifier_count, invalid_identifier_count, suppressed_identifier_count,
                resolved_by_type, resolved_by_value, unresolved_reason
            from idr_events""")}
        self.identifiers = {(r[0], r[1]): r[2] for r in project.query(
            "select identifier_type, identifier_value, profile_id from idr_identifiers")}
        self.edges = {((r[0], r[1]), (r[2], r[3])): r[4] for r in project.query(
            "select identifier_type_a, identifier_value_a, identifier_type_b, identifier_value_b, status"
            " from idr_edges")}
        columns = project.backend.columns("idr_profile_traits")
        self.traits = {r[0]: dict(zip(columns, r, strict=True))
                       for r in project.query("select * from idr_profile_traits")}
        self.profiles = {r[0] for r in project.query("select profile_id from idr_profiles")}
        self.quarantined = Counter((r[0], r[1], r[2], r[3]) for r in project.query(
            "select source_name, event_id, event_version, reason from idr_quarantined_rows"))


def mismatches(marts: Marts, expected: Resolution, prefix: str, exact_ids: bool = True,
               trait_names: tuple[str, ...] = ()) -> list[str]:
    """Every difference between the build and the reference for the log whose values start with `prefix`."""
    problems: list[str] = []
    sql_ids = {k: v for k, v in marts.identifiers.items() if belongs(k, prefix)}
    if set(sql_ids) != set(expected.identifier_profile):
        problems.append(f"identifiers: sql has {sorted(set(sql_ids) - set(expected.identifier_profile))} extra, "
                        f"lacks {sorted(set(expected.identifier_profile) - set(sql_ids))}")
    # profile ids: the reference's exactly, or a one-to-one renaming
    rename: dict[str, str] = {}
    for key, ref_pid in expected.identifier_profile.items():
        sql_pid = sql_ids.get(key)
        if sql_pid is None:
            continue
        if exact_ids and sql_pid != ref_pid:
            problems.append(f"identifier {key}: sql {sql_pid} != ref {ref_pid}")
        if rename.setdefault(sql_pid, ref_pid) != ref_pid:
            problems.append(f"identifier {key}: sql profile {sql_pid} holds identifiers of two reference profiles")
    if len(set(rename.values())) != len(rename):
        problems.append("two sql profiles hold identifiers of one reference profile")
    for pid in rename:
        if pid not in marts.profiles:
            problems.append(f"profile {pid} of an identifier is missing from idr_profiles")

    for key, info in expected.events.items():
        row = marts.events.get(key)
        if row is None:
            problems.append(f"event {key} missing")
            continue
        (pid, deliveries, conflicting, count, blocked, invalid, suppressed, by_type, by_value, reason) = row
        ref_pid = expected.event_profile[key]
        got_pid = rename.get(pid, pid) if pid is not None else None
        if got_pid != ref_pid:
            problems.append(f"event {key}: sql profile {pid} != ref {ref_pid}")
        anchor = (by_type, by_value) if by_type else None
        got = (deliveries, conflicting, count, blocked, invalid, suppressed, anchor, reason)
        want = (info.delivery_count, info.conflicting_delivery_count, info.identifier_count, info.blocked,
                info.invalid, info.suppressed, info.anchor, info.unresolved_reason)
        if got != want:
            problems.append(f"event {key}: sql (deliveries, conflicting, identifiers, blocked, invalid, suppressed, "
                            f"anchor, reason) {got} != ref {want}")
    extra_events = [k for k in marts.events if k[1].startswith(prefix) and k not in expected.events]
    if extra_events:
        problems.append(f"events sql has but the reference has not: {extra_events}")

    for edge, status in expected.edges.items():
        if marts.edges.get(edge) != status:
            problems.append(f"edge {edge}: sql {marts.edges.get(edge)} != ref {status}")
    extra_edges = [e for e in marts.edges if belongs(e[0], prefix) and e not in expected.edges]
    if extra_edges:
        problems.append(f"edges sql has but the reference has not: {extra_edges}")

    for sql_pid, ref_pid in rename.items():
        row = marts.traits.get(sql_pid)
        if row is None:
            problems.append(f"profile {sql_pid} has no idr_profile_traits row")
            continue
        want = expected.traits.get(ref_pid, {})
        got = {name: row.get(name) for name in trait_names}
        if got != {name: want.get(name) for name in trait_names}:
            problems.append(f"traits of {sql_pid}: sql {got} != ref {want}")

    want_quarantine = Counter((k[0], k[1], k[2], reason) for k, reason in expected.quarantined
                              if k[1] is not None and k[1].startswith(prefix))
    got_quarantine = Counter({k: n for k, n in marts.quarantined.items()
                              if k[1] is not None and k[1].startswith(prefix)})
    if want_quarantine != got_quarantine:
        problems.append(f"quarantine: sql {dict(got_quarantine)} != ref {dict(want_quarantine)}")
    return problems
