"""Independent reference implementation of identity_resolution's semantics (the test oracle).

Written from the rules in the README, not from the SQL:

* every text value is stripped, at both ends, of Unicode whitespace, control and format characters
  (general categories Zs, Zl, Zp, Cc, Cf);
* identifiers are normalised by type (email, lower: lower case; phone: a leading '+' and the
  digits), then blocked (the cleaned or the normalised value is a blocked value ignoring case, or
  fully matches a blocked pattern), then found invalid (empty; email without exactly one '@' with
  text on both sides; phone with a letter or not 7 to 15 digits);
* a delivered row without an event id or a time is quarantined; identical rows are one delivery;
* the deliveries of one event (source, event_id, version) that carry the same payload (identifier
  set, event type and name, traits) are copies; of different payloads the earliest delivery wins,
  ties by the smaller payload string in byte order; the others are quarantined as conflicting;
* suppressed identifiers are removed from their events;
* a star per event (anchor = highest-priority identifier, then smallest value in byte order), then
  the edges applied one at a time in the total order

      first_seen_at, weaker priority rank of the two ends, anchor (type, value), other (type, value)

  merging the two profiles unless the merged profile would hold more distinct values of some type
  than its limit. An event belongs to the profile of its anchor. A profile built from scratch is
  named after its earliest identifier (first_seen_at, priority, type, value): md5("type:value").

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
DEFAULT_SEGMENT_TRAITS = ("email", "name", "first_name", "last_name", "phone", "plan")

# Unicode 14.0 code points of general categories Zs, Zl, Zp, Cc and Cf (inclusive ranges); the SQL
# strips the same (macros/identifiers/idr_clean_text.sql). test_reference_algorithms.py checks the
# list against Python's unicodedata.
STRIPPED_RANGES = (
    (0, 32), (127, 160), (173, 173), (1536, 1541), (1564, 1564), (1757, 1757), (1807, 1807),
    (2192, 2193), (2274, 2274), (5760, 5760), (6158, 6158), (8192, 8207), (8232, 8239),
    (8287, 8292), (8294, 8303), (12288, 12288), (65279, 65279), (65529, 65531), (69821, 69821),
    (69837, 69837), (78896, 78904), (113824, 113827), (119155, 119162), (917505, 917505),
    (917536, 917631),
)
_STRIPPED = "".join(chr(c) for low, high in STRIPPED_RANGES for c in range(low, high + 1))

EVENT_TYPES = {"identifies": "identify", "tracks": "track", "pages": "page", "screens": "screen", "aliases": "alias"}


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
    # the build's trait columns, in the package's order (Segment traits, then each source's), and
    # the traits each source reads
    traits: tuple[str, ...] = ()
    source_traits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # suppressed identifiers, as listed (normalised like the identifiers they name)
    suppressed: tuple[tuple[str, str], ...] = ()

    def ranks(self, types_in_use: set[str]) -> dict[str, int]:
        configured = sorted((c.priority, name) for name, c in self.types.items())
        order = [name for _, name in configured]
        order += sorted(t for t in types_in_use if t not in self.types)
        return {name: i + 1 for i, name in enumerate(order)}

    def normalizer(self, type_name: str) -> str:
        cfg = self.types.get(type_name)
        chosen = cfg.normalizer if cfg and cfg.normalizer else None
        chosen = chosen or ("email" if type_name == "email" else "phone" if type_name == "phone" else "trim")
        return "trim" if chosen == "none" else chosen


@dataclass(frozen=True)
class Event:
    """One delivered row: identifiers as (type, raw value) pairs in its slots' order, raw as sent."""

    source: str
    event_id: str | None
    occurred_at: datetime | None
    identifiers: tuple[tuple[str, str | None], ...]
    version: str | None = None
    event_name: str | None = None
    traits: tuple[tuple[str, str | None], ...] = ()
    loaded_at: datetime | None = None  # Segment's uuid_ts: retries of one message differ in it

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.source, clean(self.event_id), self.version)

    @property
    def event_type(self) -> str:
        table = self.source.split(".", 1)[1] if self.source.startswith("segment.") else None
        return EVENT_TYPES.get(table, "record") if table else "record"


@dataclass
class EventInfo:
    delivery_count: int
    conflicting_delivery_count: int
    identifier_count: int
    blocked: int
    invalid: int
    suppressed: int
    anchor: tuple[str, str] | None
    unresolved_reason: str | None
    occurred_at: datetime


@dataclass
class Resolution:
    event_profile: dict[tuple, str | None]  # event key -> profile_id
    identifier_profile: dict[tuple[str, str], str]  # (type, value) -> profile_id
    edges: dict[tuple[tuple[str, str], tuple[str, str]], str]  # (anchor, other) -> accepted | rejected
    profiles: dict[str, set[tuple[str, str]]]
    events: dict[tuple, EventInfo] = field(default_factory=dict)
    quarantined: list[tuple[tuple, str]] = field(default_factory=list)  # (event key, reason) per delivery
    traits: dict[str, dict[str, str | None]] = field(default_factory=dict)  # profile -> trait -> value
    first_seen: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def partition(self) -> set[frozenset[tuple[str, str]]]:
        return {frozenset(nodes) for nodes in self.profiles.values()}

    def core(self) -> tuple:
        """What every resolution algorithm must agree on: profiles of events and identifiers, edge statuses."""
        return (self.event_profile, self.identifier_profile, self.edges, self.profiles)


# --- identifier rules ---------------------------------------------------------------------------


def clean(raw) -> str | None:
    """The value as a string without Unicode whitespace, control or format characters at its ends."""
    if raw is None:
        return None
    return str(raw).strip(_STRIPPED)


def _normalized(cleaned: str, normalizer: str) -> str:
    if normalizer in ("email", "lower"):
        return cleaned.lower()
    if normalizer == "phone":
        return ("+" if cleaned.startswith("+") else "") + re.sub(r"[^0-9]", "", cleaned)
    return cleaned


def identifier_status(type_name: str, raw, config: Config) -> tuple[str | None, str | None]:
    """(value, status): the stored value, or None with status 'blocked' / 'invalid' / None (missing)."""
    cleaned = clean(raw)
    if cleaned is None:
        return None, None
    normalizer = config.normalizer(type_name)
    value = _normalized(cleaned, normalizer)
    blocked = {clean(v).lower() for v in config.blocked_values}
    if cleaned.lower() in blocked or value.lower() in blocked:
        return None, "blocked"
    if any(re.fullmatch(p, cleaned) or re.fullmatch(p, value) for p in config.blocked_patterns):
        return None, "blocked"
    if normalizer == "email":
        local, _, domain = value.partition("@")
        invalid = value.count("@") != 1 or not local or not domain
    elif normalizer == "phone":
        digits = re.sub(r"[^0-9]", "", cleaned)
        invalid = bool(re.search(r"[A-Za-z]", cleaned)) or not 7 <= len(digits) <= 15
    else:
        invalid = value == ""
    return (None, "invalid") if invalid else (value, None)


def normalize(type_name: str, raw, config: Config) -> str | None:
    """The identifier value as stored, or None when missing, blocked or invalid."""
    return identifier_status(type_name, raw, config)[0]


def profile_id_for(identifier: tuple[str, str]) -> str:
    return hashlib.md5(f"{identifier[0]}:{identifier[1]}".encode()).hexdigest()


def payload_text(ids: set[tuple[str, str]], event: Event, config: Config) -> str:
    """The payload string the SQL compares deliveries by (idr_payload_text)."""
    items = sorted((f"{t}\x1f{v}\x1e" for t, v in ids), key=lambda s: s.encode())
    read = config.source_traits.get(event.source, ())
    traits = {name: _trait(value) for name, value in event.traits if name in read}
    parts = ["".join(items), event.event_type, event.event_name if event.event_name is not None else "\x1c"]
    parts += [traits.get(name) if traits.get(name) is not None else "\x1c" for name in config.traits]
    return "\x1d".join(parts)


def _trait(raw) -> str | None:
    value = clean(raw)
    return value if value else None


# --- events -----------------------------------------------------------------------------------


@dataclass
class _Delivery:
    event: Event
    ids: set[tuple[str, str]]
    blocked: int
    invalid: int
    payload: str


def _deliver(events: list[Event], config: Config):
    """Kept deliveries per event key, and the quarantine (one entry per distinct delivered row)."""
    by_key: dict[tuple, list[_Delivery]] = defaultdict(list)
    quarantined: list[tuple[tuple, str]] = []
    seen: set = set()
    for ev in events:
        slots = tuple((t, identifier_status(t, raw, config)) for t, raw in ev.identifiers)
        read = config.source_traits.get(ev.source, ())
        # what the SQL tells deliveries apart by: the values of the slots (a blocked or invalid value
        # is null), how many were blocked and invalid, traits, name, times
        identity = (ev.key, ev.occurred_at, ev.loaded_at,
                    tuple((t, value) for t, (value, _) in slots if value is not None),
                    sum(1 for _, (_, status) in slots if status == "blocked"),
                    sum(1 for _, (_, status) in slots if status == "invalid"),
                    tuple(sorted((n, _trait(v)) for n, v in ev.traits if n in read and _trait(v) is not None)),
                    clean(ev.event_name))
        if identity in seen:
            continue  # an identical row: the same delivery
        seen.add(identity)
        event_id = clean(ev.event_id)
        reason = ("missing_event_id" if event_id is None else "blank_event_id" if event_id == ""
                  else "missing_occurred_at" if ev.occurred_at is None else None)
        if reason:
            quarantined.append((ev.key, reason))
            continue
        ids = {(t, value) for t, (value, _) in slots if value is not None}
        blocked = sum(1 for _, (_, status) in slots if status == "blocked")
        invalid = sum(1 for _, (_, status) in slots if status == "invalid")
        by_key[ev.key].append(_Delivery(ev, ids, blocked, invalid, payload_text(ids, ev, config)))
    kept: dict[tuple, tuple[_Delivery, int, int]] = {}
    for key, deliveries in by_key.items():
        winner = min(deliveries, key=lambda d: (d.event.occurred_at, d.payload.encode()))
        copies = sum(1 for d in deliveries if d.payload == winner.payload)
        kept[key] = (winner, copies, len(deliveries) - copies)
        quarantined += [(key, "conflicting_duplicate") for d in deliveries if d.payload != winner.payload]
    return kept, quarantined


def build_graph(events: list[Event], config: Config):
    """Kept events (identifier sets, time), the ordered edge list of the definition, and more."""
    kept, quarantined = _deliver(events, config)
    suppressed = {(t, normalize(t, v, config)) for t, v in config.suppressed}
    event_ids: dict[tuple, set[tuple[str, str]]] = {}
    event_time: dict[tuple, datetime] = {}
    for key, (winner, _, _) in kept.items():
        event_ids[key] = {node for node in winner.ids if node not in suppressed}
        event_time[key] = winner.event.occurred_at
    first_seen: dict[tuple[str, str], datetime] = {}  # an identifier's earliest event
    for key, ids in event_ids.items():
        for node in ids:
            first_seen[node] = min(first_seen.get(node, event_time[key]), event_time[key])

    ranks = config.ranks({t for ids in event_ids.values() for t, _ in ids})

    def node_key(node: tuple[str, str]):
        return (ranks[node[0]], node[0].encode(), node[1].encode())

    anchors: dict[tuple, tuple[str, str] | None] = {}
    edge_first: dict[tuple[tuple[str, str], tuple[str, str]], datetime] = {}
    infos: dict[tuple, EventInfo] = {}
    for key, ids in event_ids.items():
        winner, copies, conflicting = kept[key]
        anchor = min(ids, key=node_key) if ids else None
        anchors[key] = anchor
        statuses = ((t, identifier_status(t, raw, config)) for t, raw in winner.event.identifiers)
        n_suppressed = sum(1 for t, (value, _) in statuses if value is not None and (t, value) in suppressed)
        reason = None
        if anchor is None:
            reason = ("suppressed" if n_suppressed else
                      "all_identifiers_blocked_or_invalid" if winner.blocked and winner.invalid else
                      "all_identifiers_blocked" if winner.blocked else
                      "all_identifiers_invalid" if winner.invalid else "no_identifiers")
        infos[key] = EventInfo(copies, conflicting, len(ids), winner.blocked, winner.invalid, n_suppressed, anchor,
                               reason, event_time[key])
        for other in ids:
            if other != anchor:
                edge = (anchor, other)
                edge_first[edge] = min(edge_first.get(edge, event_time[key]), event_time[key])

    def edge_order(edge):
        a, b = edge
        return (edge_first[edge], max(ranks[a[0]], ranks[b[0]]), a[0].encode(), a[1].encode(),
                b[0].encode(), b[1].encode())

    ordered_edges = sorted(edge_first, key=edge_order)
    extra = {"infos": infos, "quarantined": quarantined, "kept": kept, "suppressed": suppressed}
    return event_ids, anchors, first_seen, ordered_edges, ranks, extra


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
    event_ids, anchors, first_seen, ordered_edges, ranks, extra = build_graph(events, config)
    limits = {t: c.limit for t, c in config.types.items() if c.limit is not None}
    uf = _UnionFind(limits)
    for node in first_seen:
        uf.add(node)
    status = {(a, b): "accepted" if uf.try_union(a, b) else "rejected" for a, b in ordered_edges}
    resolution = _finish(uf.find, first_seen, anchors, ordered_edges, ranks, extra, config)
    # a rejected edge can never end up inside one profile: status follows from the partition
    assert resolution.edges == status
    return resolution


def _finish(find, first_seen, anchors, ordered_edges, ranks, extra=None, config: Config | None = None) -> Resolution:
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
    resolution = Resolution(event_profile, identifier_profile, edges, profiles, first_seen=dict(first_seen))
    if extra is not None:
        resolution.events = extra["infos"]
        resolution.quarantined = extra["quarantined"]
        resolution.traits = _traits(extra, event_profile, profiles, config or Config())
    return resolution


def _traits(extra, event_profile, profiles, config: Config) -> dict[str, dict[str, str | None]]:
    """Per profile, the latest non-blank value of each trait (time, then source, event id, value)."""
    suppressed_values = extra["suppressed"]
    best: dict[str, dict[str, tuple]] = defaultdict(dict)
    for key, (winner, _, _) in extra["kept"].items():
        profile = event_profile.get(key)
        if profile is None:
            continue
        ev = winner.event
        for name, raw in ev.traits:
            value = _trait(raw)
            if value is None or name not in config.source_traits.get(ev.source, ()):
                continue
            if any(normalize(t, value, config) == v for t, v in suppressed_values if v is not None):
                continue
            rank = (ev.occurred_at, ev.source.encode(), clean(ev.event_id).encode(), value.encode())
            if name not in best[profile] or rank > best[profile][name]:
                best[profile][name] = rank
    out = {}
    for profile in profiles:
        values = {name: best[profile][name][3].decode() if name in best[profile] else None for name in config.traits}
        out[profile] = values
    return out


# --- Python models of the set-based algorithms used by the SQL -----------------------------------


def resolve_msf(events: list[Event], config: Config | None = None) -> Resolution:
    """One limit of 1: minimum spanning forest with a virtual root linked to every limited node."""
    config = config or Config()
    event_ids, anchors, first_seen, ordered_edges, ranks, _ = build_graph(events, config)
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
    event_ids, anchors, first_seen, ordered_edges, ranks, _ = build_graph(events, config)
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
