"""The named scenario catalogue: small event logs, each proving one behaviour.

Every scenario prefixes its own ids and values with its name, so all of them resolve in a single
dbt build without touching each other. The tests in test_scenarios.py state the invariant each
one proves; every scenario is also checked against the reference implementation.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from reference import Event

T0 = datetime(2024, 1, 1, 9, 0, 0)
KEYS = {
    "user_id": "user_id",
    "anonymous_id": "anonymous_id",
    "email": "email",
    "device": "ios.id",
    "phone": "phone",
    "ga": "ga_client_id",
}


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _event(source: str, event_id: str, minutes: float, ids: dict) -> Event:
    return Event(source, event_id, at(minutes), tuple((KEYS[k], v) for k, v in ids.items()))


def identify(event_id: str, minutes: float, **ids) -> Event:
    return _event("segment.identifies", event_id, minutes, ids)


def track(event_id: str, minutes: float, **ids) -> Event:
    return _event("segment.tracks", event_id, minutes, ids)


def page(event_id: str, minutes: float, **ids) -> Event:
    return _event("segment.pages", event_id, minutes, ids)


def crm(event_id: str, minutes: float, **ids) -> Event:
    return _event("crm_contacts", event_id, minutes, ids)


def web(event_id: str, minutes: float, **ids) -> Event:
    return _event("web_sessions", event_id, minutes, ids)


def _chain(p: str, n: int) -> list[Event]:
    """a0 - e0 - a1 - e1 - ... : each track links one anonymous id and one email."""
    events = []
    for i in range(n):
        events.append(track(f"{p}x{i}", i, anonymous_id=f"{p}a{i}", email=f"{p}e{i}@x.com"))
        events.append(track(f"{p}y{i}", i, anonymous_id=f"{p}a{i + 1}", email=f"{p}e{i}@x.com"))
    return events


SCENARIOS: dict[str, list[Event]] = {
    "singleton": [track("singleton-e1", 0, anonymous_id="singleton-a1")],
    "pair": [identify("pair-e1", 0, user_id="pair-u1", anonymous_id="pair-a1")],
    "chain": _chain("chain-", 10),
    "star": [identify(f"star-e{i}", i, user_id="star-u1", anonymous_id=f"star-a{i}") for i in range(20)],
    "diamond": [
        identify("diamond-e1", 0, user_id="diamond-u1", anonymous_id="diamond-a1"),
        identify("diamond-e2", 1, user_id="diamond-u1", anonymous_id="diamond-a2"),
        track("diamond-e3", 2, anonymous_id="diamond-a1", email="diamond-m@x.com"),
        track("diamond-e4", 3, anonymous_id="diamond-a2", email="diamond-m@x.com"),
    ],
    "cycle": [
        track("cycle-e1", 0, anonymous_id="cycle-a1", email="cycle-m1@x.com"),
        track("cycle-e2", 1, anonymous_id="cycle-a2", email="cycle-m1@x.com"),
        track("cycle-e3", 2, anonymous_id="cycle-a2", email="cycle-m2@x.com"),
        track("cycle-e4", 3, anonymous_id="cycle-a1", email="cycle-m2@x.com"),
    ],
    "disjoint": [
        identify("disjoint-e1", 0, user_id="disjoint-u1", anonymous_id="disjoint-a1"),
        identify("disjoint-e2", 0, user_id="disjoint-u2", anonymous_id="disjoint-a2"),
    ],
    # Segment retries one message: the same payload, loaded three times (uuid_ts differs)
    "duplicates": [replace(track("duplicates-e1", 0, user_id="duplicates-u1", anonymous_id="duplicates-a1"),
                           loaded_at=at(60 + i)) for i in range(3)],
    "blocked": [
        identify("blocked-e1", 0, user_id="null", anonymous_id="blocked-a1", email="undefined"),
        track("blocked-e2", 1, user_id=" -1 ", anonymous_id="00000000-0000-0000-0000-000000000000",
              email="blocked-m@x.com"),
    ],
    "email_variants": [
        identify("email_variants-e1", 0, user_id="email_variants-u1", email="  Email_Variants-Jane@Example.COM "),
        crm("email_variants-c1", 1, email="email_variants-jane@example.com"),
        track("email_variants-e2", 2, anonymous_id="email_variants-a1", email="EMAIL_VARIANTS-JANE@EXAMPLE.COM"),
    ],
    "only_junk": [
        track("only_junk-e1", 0, user_id="undefined", anonymous_id="-1"),
        track("only_junk-e2", 0),
        page("only_junk-e3", 0, anonymous_id="", user_id="anonymous"),
    ],
    "extra_source": [
        identify("extra_source-e1", 0, user_id="extra_source-u1", email="extra_source-m@x.com"),
        crm("extra_source-c1", 1, email="extra_source-m@x.com", phone="+1 (555) 010-0999"),
        crm("extra_source-c2", 2, email="extra_source-other@x.com", phone="+1-555-010-0999"),
    ],
    "shared_device": [
        identify("shared_device-e1", 0, user_id="shared_device-mum", anonymous_id="shared_device-ipad"),
        identify("shared_device-e2", 5, user_id="shared_device-kid", anonymous_id="shared_device-ipad"),
        track("shared_device-e3", 6, anonymous_id="shared_device-ipad"),
    ],
    "shared_email": [
        identify("shared_email-e1", 0, user_id="shared_email-u1", email="shared_email-team@acme.com"),
        identify("shared_email-e2", 1, user_id="shared_email-u2", email="shared_email-team@acme.com"),
        identify("shared_email-e3", 2, user_id="shared_email-u3", email="shared_email-team@acme.com"),
    ],
    "late_event": [
        # written first, but happened later: time order decides, not load order
        identify("late_event-e1", 10, user_id="late_event-u2", anonymous_id="late_event-a1"),
        identify("late_event-e2", 5, user_id="late_event-u1", anonymous_id="late_event-a1"),
    ],
    "tie": [
        identify("tie-e2", 0, user_id="tie-u2", anonymous_id="tie-a1"),
        identify("tie-e1", 0, user_id="tie-u1", anonymous_id="tie-a1"),
    ],
    # Segment's documented examples
    "at1": [
        identify("at1-e1", 0, user_id="at1-abc123", email="at1-jane@example1.com"),
        identify("at1-e2", 1, user_id="at1-abc456", email="at1-jane@example1.com"),
    ],
    "at2": [
        track("at2-e1", 0, anonymous_id="at2-a1", user_id="at2-u1"),
        track("at2-e2", 1, anonymous_id="at2-a1"),
        track("at2-e3", 2, anonymous_id="at2-a1", user_id="at2-u2"),
    ],
    "at7": [track("at7-e1", 0, user_id="-1", anonymous_id="at7-a9")],
    # two emails DuckDB's hash() maps to one value (found at 3.8M identifiers in the benchmark)
    "hash_lookalikes": [
        track("hash_lookalikes-e1", 0, anonymous_id="hash_lookalikes-a1", email="gabriel_clark600732@example.net"),
        track("hash_lookalikes-e2", 1, anonymous_id="hash_lookalikes-a2", email="gabriel.clark603732@example.net"),
    ],
    "at8": [
        web("at8-s1", 0, anonymous_id="at8-x1", ga="at8-g"),
        web("at8-s2", 1, anonymous_id="at8-x2", ga="at8-g"),
    ],
}


def all_events() -> list[Event]:
    return [event for events in SCENARIOS.values() for event in events]
