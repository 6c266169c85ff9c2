"""Randomised Segment-shaped event logs (hypothesis strategies) and how they become raw tables.

A log is a list of reference.Event. Values come from small pools so that logs share devices,
emails and anonymous ids between people, carry junk ids, email variants, copies and retries of
a delivery, deliveries of one event that disagree, traits, and many timestamp ties.
`namespaced` prefixes every real value so that many logs can be resolved in one dbt build
without touching each other (junk values stay junk). `batched_logs` also cuts each log into
batches for incremental builds (late events included: times are drawn independently of the
batch) and draws identifiers to suppress along the way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reference import DEFAULT_SEGMENT_TRAITS, Config, Event, TypeConfig

JUNK = ("null", "undefined", "-1", "", "0000", "anonymous", " NULL ", "---", "n/a")
BASE_TIME = datetime(2024, 3, 1, 12, 0, 0)
LOAD_TIME = datetime(2024, 3, 2, 0, 0, 0)

# identifier slots per table: (identifier type, raw column)
TABLE_SLOTS = {
    "segment.identifies": (("user_id", "user_id"), ("anonymous_id", "anonymous_id"), ("email", "email")),
    "segment.tracks": (
        ("user_id", "user_id"),
        ("anonymous_id", "anonymous_id"),
        ("email", "context_traits_email"),
        ("ios.id", "context_device_id"),
    ),
    "segment.pages": (("user_id", "user_id"), ("anonymous_id", "anonymous_id")),
    "crm_contacts": (("email", "email"), ("phone", "phone")),
}
TABLE_TRAITS = {"segment.identifies": ("name", "plan"), "crm_contacts": ("first_name", "company")}
# raw tables (schema, table) and their event id / time columns, by source name
RAW_TABLES = {
    "segment.identifies": (("segment", "identifies"), "id", "timestamp"),
    "segment.tracks": (("segment", "tracks"), "id", "timestamp"),
    "segment.pages": (("segment", "pages"), "id", "timestamp"),
    "crm_contacts": (("crm", "contacts"), "contact_id", "created_at"),
    "web_sessions": (("web", "sessions"), "session_id", "started_at"),
}
EXTRA_SLOTS = {"web_sessions": (("anonymous_id", "anonymous_id"), ("ga_client_id", "ga_client_id"))}
# the vars a build needs to read the raw tables written by to_rows
SOURCES_VARS = {
    "idr_segment_schema": "segment",
    "idr_sources": [
        {"name": "crm_contacts", "relation": "crm.contacts", "event_id": "contact_id",
         "occurred_at": "created_at", "identifiers": {"email": "email", "phone": "phone"},
         "traits": ["first_name", "company"]},
        {"name": "web_sessions", "relation": "web.sessions", "event_id": "session_id",
         "occurred_at": "started_at", "identifiers": {"anonymous_id": "anonymous_id", "ga_client_id": "ga_client_id"}},
    ],
}
# the trait columns of a build with SOURCES_VARS, in the package's order, and those each source reads
TRAITS = DEFAULT_SEGMENT_TRAITS + ("company",)
SOURCE_TRAITS = {"segment.identifies": DEFAULT_SEGMENT_TRAITS, "crm_contacts": ("first_name", "company")}
DEFAULT = Config(traits=TRAITS, source_traits=SOURCE_TRAITS)

# A config with several limited types (the general, non-spanning-forest path), and the same as dbt vars.
MULTI_LIMIT = Config(
    types={
        "user_id": TypeConfig(1, 1),
        "email": TypeConfig(2, 2),
        "ios.id": TypeConfig(3, 1),
        "phone": TypeConfig(4, 1),
    },
    traits=TRAITS,
    source_traits=SOURCE_TRAITS,
)
MULTI_LIMIT_VARS = {
    "idr_identifier_types": {name: {"priority": c.priority, "limit": c.limit} for name, c in MULTI_LIMIT.types.items()}
}

_POOLS = {
    "user_id": [f"u{i}" for i in range(5)],
    "anonymous_id": [f"a{i}" for i in range(6)],
    "email": ["e0@x.com", "E0@X.com ", " e1@x.com", "e1@X.COM", "e2@x.com", "team@x.com", "e3@y.org"],
    "ios.id": ["d0", "d1", "D1"],
    "phone": ["+1 555 0100", "+1-555-0100", "555 0101 99", "(555) 0102-22"],
}
_TRAIT_VALUES = ["Ann", "Bob", " ", "free", "pro", "Acme"]


@st.composite
def _event(draw, k: int, n_times: int, batch: int = 0) -> Event:
    source = draw(st.sampled_from(sorted(TABLE_SLOTS)))
    identifiers = []
    for type_name, _column in TABLE_SLOTS[source]:
        choice = draw(st.integers(min_value=0, max_value=9))
        if choice <= 3:
            continue  # missing
        if choice == 4:
            identifiers.append((type_name, draw(st.sampled_from(JUNK))))
        else:
            identifiers.append((type_name, draw(st.sampled_from(_POOLS[type_name]))))
    traits = tuple((name, draw(st.sampled_from(_TRAIT_VALUES))) for name in TABLE_TRAITS.get(source, ())
                   if draw(st.booleans()))
    if source == "segment.identifies":
        # identifies' email column is both an identifier and a trait (idr_segment_traits)
        traits += tuple(("email", value) for type_name, value in identifiers if type_name == "email")
    at = BASE_TIME + timedelta(minutes=draw(st.integers(min_value=0, max_value=n_times - 1)))
    loaded = LOAD_TIME + timedelta(hours=batch, minutes=k) if source.startswith("segment.") else None
    name = draw(st.sampled_from(["Clicked", "Viewed", None])) if source == "segment.tracks" else None
    return Event(source, f"e{k}", at, tuple(identifiers), event_name=name, traits=traits, loaded_at=loaded)


@st.composite
def _deliveries(draw, event: Event, n_times: int):
    """The event, then perhaps a copy (the same row again), a retry (later load) or a disagreeing
    delivery under the same key (other identifiers or traits)."""
    out = [event]
    kind = draw(st.integers(min_value=0, max_value=24))
    if kind == 0:
        out.append(event)  # the same row loaded twice
    elif kind == 1:
        out.append(replace(event, loaded_at=event.loaded_at and event.loaded_at + timedelta(seconds=1)))  # a retry
    elif kind == 2:
        other = draw(_event(0, n_times))
        same = other.source == event.source
        out.append(replace(other, source=event.source, event_id=event.event_id, loaded_at=event.loaded_at,
                           identifiers=other.identifiers if same else event.identifiers[:1],
                           event_name=other.event_name if same else event.event_name,
                           traits=other.traits if same else ()))
    return out


@st.composite
def event_logs(draw, max_events: int = 14) -> list[Event]:
    n = draw(st.integers(min_value=1, max_value=max_events))
    n_times = draw(st.integers(min_value=1, max_value=5))  # few distinct times: many ties
    events: list[Event] = []
    for k in range(n):
        events += draw(_deliveries(draw(_event(k, n_times)), n_times))
    return events


@st.composite
def batched_logs(draw, max_events: int = 16, max_batches: int = 4):
    """(batches, suppressions): each batch a list of events (delivered in that build); the
    suppression list in force at each build (a tuple of (type, value) per batch)."""
    n_batches = draw(st.integers(min_value=2, max_value=max_batches))
    n = draw(st.integers(min_value=1, max_value=max_events))
    n_times = draw(st.integers(min_value=1, max_value=6))
    batches: list[list[Event]] = [[] for _ in range(n_batches)]
    for k in range(n):
        batch = draw(st.integers(min_value=0, max_value=n_batches - 1))
        deliveries = draw(_deliveries(draw(_event(k, n_times, batch)), n_times))
        # a later delivery of the same event may arrive in a later batch
        later = draw(st.integers(min_value=batch, max_value=n_batches - 1))
        batches[batch].append(deliveries[0])
        for delivery in deliveries[1:]:
            batches[later].append(replace(delivery, loaded_at=delivery.loaded_at and delivery.loaded_at
                                          + timedelta(hours=later - batch)))
    suppressions = []
    current: tuple = ()
    for _ in range(n_batches):
        if draw(st.integers(min_value=0, max_value=3)) == 0:
            type_name = draw(st.sampled_from(["user_id", "anonymous_id", "email"]))
            value = draw(st.sampled_from(_POOLS[type_name]))
            current = tuple(sorted(set(current) | {(type_name, value)}))
        elif current and draw(st.integers(min_value=0, max_value=5)) == 0:
            current = current[1:]  # a suppression lifted
        suppressions.append(current)
    return batches, suppressions


def draw_logs(strategy, count: int) -> list:
    """`count` examples of `strategy`, generated by hypothesis deterministically, for batch checks
    (one dbt build resolves them all; failures are reported smallest log first)."""
    logs: list = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(log):
        logs.append(log)

    collect()
    return logs


def prefix_of(index: int) -> str:
    """The prefix of log `index`'s values; phones get digits instead (a letter makes a phone invalid)."""
    return f"l{index}-"


def phone_prefix_of(index: int) -> str:
    return f"{index:04d} "


def prefixed(value: str | None, prefix: str, type_name: str | None = None) -> str | None:
    if value is None or value in JUNK:
        return value
    if type_name == "phone":
        prefix = phone_prefix_of(int(prefix[1:-1]))
    lead = len(value) - len(value.lstrip(" "))
    return value[:lead] + prefix + value[lead:]


def namespaced(log: list[Event], prefix: str) -> list[Event]:
    """The same log with every real value and event id prefixed (junk values untouched)."""
    return [
        replace(
            ev,
            event_id=prefix + ev.event_id,
            identifiers=tuple((t, prefixed(v, prefix, t)) for t, v in ev.identifiers),
            traits=tuple((n, prefixed(v, prefix) if n == "email" else v) for n, v in ev.traits),
        )
        for ev in log
    ]


def belongs(identifier: tuple[str, str], prefix: str) -> bool:
    """Whether a stored identifier came from the log with this prefix (phones: normalised digits)."""
    type_name, value = identifier
    if type_name == "phone":  # only logs namespaced l<i>- have phones
        number = prefix[1:-1]
        return number.isdigit() and value.startswith(phone_prefix_of(int(number)).strip())
    return value.startswith(prefix)


def to_rows(events: list[Event]) -> dict[tuple[str, str], list[dict]]:
    """Raw table rows {(schema, table): rows} for a list of events, with Segment / CRM column names.
    Every raw table gets an entry, empty or not."""
    rows: dict[tuple[str, str], list[dict]] = {table: [] for table, _, _ in RAW_TABLES.values()}
    for ev in events:
        table, id_column, time_column = RAW_TABLES[ev.source]
        columns = dict(TABLE_SLOTS.get(ev.source, EXTRA_SLOTS.get(ev.source, ())))
        row: dict = {id_column: ev.event_id, time_column: ev.occurred_at}
        for type_name, value in ev.identifiers:
            row[columns.get(type_name, type_name)] = value
            if type_name == "ios.id":
                row["context_device_type"] = "ios"
        for name, value in ev.traits:
            row[name] = value
        if ev.event_name is not None:
            row["event"] = ev.event_name
        if ev.loaded_at is not None:
            row["uuid_ts"] = ev.loaded_at
        rows[table].append(row)
    return rows
