"""Independent reference implementation of identity_resolution's semantics (the test oracle).

Written from the definition in the README, not from the SQL: normalise and block identifiers,
collapse duplicate deliveries (an event keeps its earliest time and the union of its
identifiers), build a star per event (anchor = highest-priority identifier),
then apply the edges one at a time in the total order

    first_seen_at, weaker priority rank of the two ends, anchor (type, value), other (type, value)

merging the two profiles unless the merged profile would hold more distinct values of some type
than its limit. An event belongs to the profile of its anchor. A profile is named after its
earliest identifier (first_seen_at, priority, type, value): md5("type:value").

Also holds Python models of the two set-based algorithms the SQL uses (minimum spanning forest
with a virtual root, and mutual-cheapest merging), so their equivalence with the definition can be
checked on thousands of logs without a database.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

DEFAULT_BLOCKED_VALUES = ("", "null", "none", "nil", "undefined", "nan", "n/a", "-1", "anonymous", "unknown")
DEFAULT_BLOCKED_PATTERNS = ("^[0-]*$",)


@dataclass(frozen=True)
class TypeConfig:
    priority: int | None = None
    limit: int | None = None
    normalizer: str | None = None  # email | phone | trim | lower | none; None = by type name


@dataclass
class Config:
    types: dict[str, TypeConfig] = field(
        default_factory=lambda: {"user_id": TypeConfig(1, 1), "email": TypeConfig(2)}
    )
    blocked_values: tuple[str, ...] = DEFAULT_BLOCKED_VALUES
    blocked_patterns: tuple[str, ...] = DEFAULT_BLOCKED_PATTERNS

    def ranks(self, types_in_use: set[str]) -> dict[str, int]:
        configured = sorted((c.priority, name) for name, c in self.types.items())
        order = [name for _, name in configured]
        order += sorted(t for t in types_in_use if t not in self.types)
        return {name: i + 1 for i, name in enumerate(order)}

    def limit(self, type_name: str) -> int | None:
        cfg = self.types.get(type_name)
        return cfg.limit if cfg else None


@dataclass(frozen=True)
class Event:
    """One delivered row: identifiers as (type, raw value) pairs, raw values as the source sent them."""

    source: str
    event_id: str
    occurred_at: datetime
    identifiers: tuple[tuple[str, str | None], ...]


@dataclass
class Resolution:
    event_profile: dict[tuple[str, str], str | None]  # (source, event_id) -> profile_id
    identifier_profile: dict[tuple[str, str], str]  # (type, value) -> profile_id
    edges: dict[tuple[tuple[str, str], tuple[str, str]], str]  # (anchor, other) -> accepted | rejected
    profiles: dict[str, set[tuple[str, str]]]


def normalize(type_name: str, raw: str | None, config: Config) -> str | None:
    """The identifier value as stored, or None when missing or blocked."""
    if raw is None:
        return None
    trimmed = raw.strip(" ")
    if trimmed.lower() in {v.strip(" ").lower() for v in config.blocked_values}:
        return None
    if any(re.fullmatch(p, trimmed) for p in config.blocked_patterns):
        return None
    cfg = config.types.get(type_name)
    normalizer = (cfg.normalizer if cfg and cfg.normalizer else None) or (
        "email" if type_name == "email" else "phone" if type_name == "phone" else "trim"
    )
    if normalizer in ("email", "lower"):
        value = trimmed.lower()
    elif normalizer == "phone":
        value = ("+" if trimmed.startswith("+") else "") + re.sub(r"[^0-9]", "", trimmed)
    elif normalizer == "none":
        value = raw
    else:
        value = trimmed
    return value or None


def profile_id_for(identifier: tuple[str, str]) -> str:
    return hashlib.md5(f"{identifier[0]}:{identifier[1]}".encode()).hexdigest()


def build_graph(events: list[Event], config: Config):
    """Deduplicated events (identifier sets, time) and the ordered edge list of the definition."""
    event_ids: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    event_time: dict[tuple[str, str], datetime] = {}  # an event's time: its earliest delivery
    for ev in events:
        key = (ev.source, ev.event_id)
        event_ids[key] |= {(t, v) for t, raw in ev.identifiers if (v := normalize(t, raw, config)) is not None}
        event_time[key] = min(event_time.get(key, ev.occurred_at), ev.occurred_at)
    first_seen: dict[tuple[str, str], datetime] = {}  # an identifier's earliest event
    for key, ids in event_ids.items():
        for node in ids:
            first_seen[node] = min(first_seen.get(node, event_time[key]), event_time[key])

    ranks = config.ranks({t for ids in event_ids.values() for t, _ in ids})

    def node_key(node: tuple[str, str]):
        return (ranks[node[0]], node[0].encode(), node[1].encode())

    anchors: dict[tuple[str, str], tuple[str, str] | None] = {}
    edge_first: dict[tuple[tuple[str, str], tuple[str, str]], datetime] = {}
    for key, ids in event_ids.items():
        if not ids:
            anchors[key] = None
            continue
        anchor = min(ids, key=node_key)
        anchors[key] = anchor
        for other in ids:
            if other != anchor:
                edge = (anchor, other)
                edge_first[edge] = min(edge_first.get(edge, event_time[key]), event_time[key])

    def edge_order(edge):
        a, b = edge
        return (edge_first[edge], max(ranks[a[0]], ranks[b[0]]), a[0].encode(), a[1].encode(),
                b[0].encode(), b[1].encode())

    ordered_edges = sorted(edge_first, key=edge_order)
    return event_ids, anchors, first_seen, ordered_edges, ranks


class _UnionFind:
    def __init__(self, limits: dict[str, int]):
        self.parent: dict = {}
        self.counts: dict = {}
        self.limits = limits

    def add(self, node):
        self.parent[node] = node
        self.counts[node] = {t: int(node[0] == t) for t in self.limits}

    def find(self, node):
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def try_union(self, a, b) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        merged = {t: self.counts[ra][t] + self.counts[rb][t] for t in self.limits}
        if any(merged[t] > self.limits[t] for t in self.limits):
            return False
        self.parent[rb] = ra
        self.counts[ra] = merged
        return True


def resolve(events: list[Event], config: Config | None = None) -> Resolution:
    """The definition: apply the ordered edges one at a time under the limits."""
    config = config or Config()
    event_ids, anchors, first_seen, ordered_edges, ranks = build_graph(events, config)
    limits = {t: c.limit for t, c in config.types.items() if c.limit is not None}
    uf = _UnionFind(limits)
    for node in first_seen:
        uf.add(node)
    status = {(a, b): "accepted" if uf.try_union(a, b) else "rejected" for a, b in ordered_edges}
    resolution = _finish(uf.find, first_seen, anchors, ordered_edges, ranks)
    # a rejected edge can never end up inside one profile: status follows from the partition
    assert resolution.edges == status
    return resolution


def _finish(find, first_seen, anchors, ordered_edges, ranks) -> Resolution:
    members: dict = defaultdict(set)
    for node in first_seen:
        members[find(node)].add(node)
    names = {}
    for root, nodes in members.items():
        key = min(nodes, key=lambda n: (first_seen[n], ranks[n[0]], n[0].encode(), n[1].encode()))
        names[root] = profile_id_for(key)
    identifier_profile = {node: names[find(node)] for node in first_seen}
    edges = {
        (a, b): "accepted" if identifier_profile[a] == identifier_profile[b] else "rejected"
        for a, b in ordered_edges
    }
    event_profile = {key: (identifier_profile[anchor] if anchor else None) for key, anchor in anchors.items()}
    profiles = {names[root]: nodes for root, nodes in members.items()}
    return Resolution(event_profile, identifier_profile, edges, profiles)


# --- Python models of the set-based algorithms used by the SQL -----------------------------------


def resolve_msf(events: list[Event], config: Config | None = None) -> Resolution:
    """One limit of 1: minimum spanning forest with a virtual root linked to every limited node."""
    config = config or Config()
    event_ids, anchors, first_seen, ordered_edges, ranks = build_graph(events, config)
    (limited_type,) = [t for t, c in config.types.items() if c.limit is not None]
    assert config.types[limited_type].limit == 1
    root = ("", "")
    parent = {node: node for node in first_seen}
    parent[root] = root

    def find(n):
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    # Kruskal by rank: root edges first, then the real edges in order
    for node in sorted((n for n in first_seen if n[0] == limited_type), key=lambda n: n[1]):
        parent[find(node)] = find(root)
    forest = []
    for a, b in ordered_edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
            forest.append((a, b))
    # drop the root: components of the real forest edges
    comp = {node: node for node in first_seen}

    def find2(n):
        while comp[n] != n:
            comp[n] = comp[comp[n]]
            n = comp[n]
        return n

    for a, b in forest:
        comp[find2(b)] = find2(a)
    return _finish(find2, first_seen, anchors, ordered_edges, ranks)


def resolve_mutual_cheapest(events: list[Event], config: Config | None = None) -> tuple[Resolution, int]:
    """Rounds of: reject edges whose profiles already break a limit together; accept every edge that
    is the cheapest undecided edge at both ends. Returns the resolution and the number of rounds."""
    config = config or Config()
    event_ids, anchors, first_seen, ordered_edges, ranks = build_graph(events, config)
    limits = {t: c.limit for t, c in config.types.items() if c.limit is not None}
    label = {node: node for node in first_seen}
    counts = {node: {t: int(node[0] == t) for t in limits} for node in first_seen}
    undecided = {rank: (a, b) for rank, (a, b) in enumerate(ordered_edges)}

    def find(n):
        while label[n] != n:
            n = label[n]
        return n

    rounds = 0
    while True:
        kept = {}
        for rank, (a, b) in undecided.items():
            la, lb = find(a), find(b)
            if la == lb:
                continue
            if any(counts[la][t] + counts[lb][t] > limits[t] for t in limits):
                continue
            kept[rank] = (la, lb)
        if not kept:
            break
        rounds += 1
        cheapest: dict = {}
        for rank, (la, lb) in kept.items():
            for end in (la, lb):
                cheapest[end] = min(cheapest.get(end, rank), rank)
        for rank, (la, lb) in kept.items():
            if cheapest[la] == rank and cheapest[lb] == rank:
                label[lb] = la
                counts[la] = {t: counts[la][t] + counts[lb][t] for t in limits}
        undecided = {rank: ordered_edges[rank] for rank in kept}
    return _finish(find, first_seen, anchors, ordered_edges, ranks), rounds
