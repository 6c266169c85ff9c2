"""Snapshots of the marts for comparing two builds.

`snapshot` keeps everything (profile ids included): two builds from scratch of the same data must
agree on it. `snapshot_partition` replaces every profile id by the set of identifiers its profile
holds, and leaves out what names a profile (profile_key_*, first_published_at): an incremental
build keeps the ids it published, so it must agree with a build from scratch on this.
"""

from __future__ import annotations

MARTS = ["idr_events", "idr_identifiers", "idr_profiles", "idr_profile_traits", "idr_edges"]
# columns that say when a build wrote or published something, not what the data says
BOOKKEEPING = {"_batch_at", "first_published_at"}


def snapshot(project) -> dict[str, list[tuple]]:
    out = {}
    for mart in MARTS:
        columns = [c for c in project.backend.columns(mart) if c not in BOOKKEEPING]
        out[mart] = sorted(project.query(f"select {', '.join(columns)} from {mart}"), key=repr)
    return out


def snapshot_partition(project) -> dict[str, object]:
    members: dict[str, set] = {}
    for identifier_type, value, profile_id in project.query(
            "select identifier_type, identifier_value, profile_id from idr_identifiers"):
        members.setdefault(profile_id, set()).add((identifier_type, value))
    name = {pid: tuple(sorted(nodes)) for pid, nodes in members.items()}

    def rows(mart: str, skip: set[str]) -> list[tuple]:
        columns = [c for c in project.backend.columns(mart) if c not in BOOKKEEPING | skip]
        out = []
        for row in project.query(f"select {', '.join(columns)} from {mart}"):
            out.append(tuple(name.get(v, v) if c.startswith("profile_id") else v
                             for c, v in zip(columns, row, strict=True)))
        return sorted(out, key=repr)

    return {
        "partition": sorted(name.values()),
        "idr_events": rows("idr_events", set()),
        "idr_identifiers": rows("idr_identifiers", {"is_profile_key"}),
        "idr_profiles": rows("idr_profiles", {"profile_key_type", "profile_key_value", "first_published_at"}),
        "idr_profile_traits": rows("idr_profile_traits", set()),
        "idr_edges": rows("idr_edges", set()),
    }
