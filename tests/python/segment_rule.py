"""A small Python model of Segment's documented identity resolution rule, to compare with ours.

Segment ("Identity Resolution Settings", flat matching logic and priority): when an event arrives,
Segment finds the profiles matching any of its identifiers and merges them with the event's
identifiers. If the result would hold more values of a type than its limit, Segment "demotes" the
event's lowest-priority identifier and tries again with the rest, until the result is within the
limits; with no match left it creates a new profile. A demoted identifier is not added to any
profile by that event. Events are applied one at a time in time order, each as a whole.

Ours decides each edge of an event's star (anchor - other identifier) on its own, in the global
edge order (README, "How resolution works"). `differences` enumerates small logs and returns those
where the two rules give different profiles.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from reference import Config, Event, build_graph, resolve

T0 = datetime(2024, 1, 1, 9, 0, 0)


@dataclass
class SegmentResolution:
    profiles: list[set[tuple[str, str]]]  # in creation order
    event_profile: dict[tuple, int | None]  # event key -> index into profiles (None: unresolved)
    demoted: dict[tuple, list[tuple[str, str]]]  # event key -> identifiers it demoted

    def partition(self) -> set[frozenset[tuple[str, str]]]:
        return {frozenset(p) for p in self.profiles if p}

    def attached(self) -> set[tuple[str, str]]:
        return {node for p in self.profiles for node in p}


def resolve_segment(events: list[Event], config: Config | None = None) -> SegmentResolution:
    """Segment's rule: events in time order (ties by source and id), each applied as a whole,
    demoting its lowest-priority identifier (ties: the largest value) until the merge fits."""
    config = config or Config()
    event_ids, _anchors, _first_seen, _edges, ranks, extra = build_graph(events, config)
    limits = {t: c.limit for t, c in config.types.items() if c.limit is not None}
    times = {key: info.occurred_at for key, info in extra["infos"].items()}
    profiles: list[set[tuple[str, str]]] = []
    owner: dict[tuple[str, str], int] = {}
    event_profile: dict[tuple, int | None] = {}
    demoted: dict[tuple, list[tuple[str, str]]] = {}
    for key in sorted(event_ids, key=lambda k: (times[k], k[0], k[1] or "")):
        # most trusted first; the last one is demoted first
        candidates = sorted(event_ids[key], key=lambda n: (ranks[n[0]], n[0].encode(), n[1].encode()))
        demoted[key] = []
        event_profile[key] = None
        while candidates:
            matched = sorted({owner[n] for n in candidates if n in owner})
            merged = set(candidates).union(*(profiles[i] for i in matched))
            if all(sum(1 for t, _ in merged if t == name) <= limit for name, limit in limits.items()):
                # the oldest matched profile survives (Segment keeps the oldest id)
                target = matched[0] if matched else len(profiles)
                if not matched:
                    profiles.append(set())
                for i in matched[1:]:
                    profiles[i] = set()
                profiles[target] = merged
                for node in merged:
                    owner[node] = target
                event_profile[key] = target
                break
            demoted[key].append(candidates.pop())
    return SegmentResolution(profiles, event_profile, demoted)


def describe(log: list[Event]) -> str:
    return "; ".join(f"{e.event_id}@{e.occurred_at:%H:%M} " + ", ".join(f"{t}={v}" for t, v in e.identifiers)
                     for e in log)


def compare(log: list[Event], config: Config | None = None) -> dict | None:
    """How the two rules differ on `log` (None when they give the same profiles)."""
    ours = resolve(log, config)
    theirs = resolve_segment(log, config)
    ours_partition = ours.partition()
    if ours_partition == theirs.partition():
        return None
    return {
        "ours": sorted(sorted(p) for p in ours_partition),
        "segment": sorted(sorted(p) for p in theirs.partition()),
        "segment_unattached": sorted(set(ours.identifier_profile) - theirs.attached()),
    }


# identifier choices per type for the search: none, or one of two values
POOLS = {"user_id": ("u1", "u2"), "email": ("e1@x.com", "e2@x.com"), "anonymous_id": ("a1", "a2")}


def _events() -> list[tuple[tuple[str, str], ...]]:
    """Every identifier set of an event with at most one value per type and at least one identifier."""
    choices = [[None, *[(t, v) for v in values]] for t, values in POOLS.items()]
    out = []
    for combo in itertools.product(*choices):
        ids = tuple(c for c in combo if c is not None)
        if ids:
            out.append(ids)
    return out


def differences(max_events: int = 3, config: Config | None = None):
    """Logs of up to `max_events` events (distinct times, in order) on which the rules differ,
    smallest first (fewest events, then fewest identifiers); yields (log, difference)."""
    shapes = _events()
    for n in range(1, max_events + 1):
        found = []
        for combo in itertools.product(shapes, repeat=n):
            log = [Event("segment.identifies", f"e{i + 1}", T0 + timedelta(minutes=i), ids)
                   for i, ids in enumerate(combo)]
            diff = compare(log, config)
            if diff is not None:
                found.append((sum(len(ids) for ids in combo), log, diff))
        for _, log, diff in sorted(found, key=lambda item: item[0]):
            yield log, diff
