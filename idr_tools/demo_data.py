"""Generate realistic, Segment-shaped demo data for the identity_resolution package.

The generator tells one story, seeded and deterministic (same ``--seed`` and ``--people`` give
byte-identical CSVs and identical tables):

* People browse the web on one to three browsers (each its own ``anonymous_id``); about 15% also use
  the mobile app on one iOS or Android device (``context_device_id``; about half of them with an
  advertising id and ad tracking enabled).
* About 65% register. Signing up or logging in sends an ``identify`` call (``anonymous_id`` +
  ``user_id`` + traits: email, names, sometimes phone, plan) at the same second as a "Signed Up" /
  "Signed In" track; logged-in sessions usually start with another identify call. Events before
  signup carry only the ``anonymous_id``; afterwards they also carry the ``user_id`` while that
  browser (or the app) stays logged in. About a third of web sessions start on a fresh cookie (a new
  ``anonymous_id``, logged out until the next login). About 5% of identified tracks carry
  ``context_traits_email``.
* About 40% of people are CRM contacts (email and/or phone in varied formats), plus about 5% extra
  CRM-only leads that never appear in Segment.

Real-data noise is mixed in: families sharing one browser (and sometimes one iPad), shared team
mailboxes typed by several people, junk identifier values ('null', 'undefined', '-1', ...), email
case and whitespace variants, duplicate deliveries of the same message id, a few rows without any
identifier, and late-arriving rows. ``truth.events`` records the true person of every row.

About ten delivered rows per person (many people with 2-5, a tail up to ~100) spread over 2024:
``--people 300`` makes a demo of about 3,500 events. Everything is vectorised with numpy and pyarrow,
so one million people (about ten million events) generate in under a minute and under 5 GB of memory.
Determinism holds for a given numpy version (its random streams may change between versions).

Usage::

    python -m idr_tools.demo_data --people 300 --seed 42 --csv-dir seeds
    python -m idr_tools.demo_data --people 1000000 --seed 42 --duckdb bench.duckdb

From Python (``python3 dev.py`` installs the package into .venv)::

    from idr_tools.demo_data import generate, write_duckdb
    frames = generate(people=100_000, seed=42)
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# -------------------------------------------------------------------------------------------------
# Calendar
# -------------------------------------------------------------------------------------------------
DAY = 86_400
YEAR_START = int(np.datetime64("2024-01-01T00:00:00", "s").astype(np.int64))
YEAR_END = int(np.datetime64("2024-12-31T23:59:59", "s").astype(np.int64))
LEADS_START = int(np.datetime64("2023-07-01T00:00:00", "s").astype(np.int64))

# -------------------------------------------------------------------------------------------------
# Behaviour rates
# -------------------------------------------------------------------------------------------------
BROWSER_COUNT_P = (0.62, 0.28, 0.10)  # one, two or three web browsers
MOBILE_RATE = 0.15
IOS_SHARE = 0.55
AD_TRACKING_RATE = 0.5  # of app users: advertising id present and ad tracking enabled
REGISTER_RATE = 0.65
HOUSEHOLD_RATE = 0.03
HOUSEHOLD_SIZE_P = {2: 0.55, 3: 0.30, 4: 0.15}
HOUSEHOLD_SHARED_IPAD_RATE = 0.3
PEOPLE_PER_TEAM_ADDRESS = 5000  # one shared team mailbox per this many people (at least two)
TEAM_EMAIL_SHARE = 0.7  # of a team mailbox user's identify calls that carry the team address
CRM_RATE = 0.40
CRM_LEAD_RATE = 0.05
PHONE_ON_IDENTIFY_RATE = 0.2

# events per person: 2 + floor(lognormal), capped; a session starts with probability SESSION_RATE
EVENTS_MU = 1.4
EVENTS_SIGMA = 1.15
EVENTS_MAX = 100
SESSION_RATE = 0.25
APP_SESSION_SHARE = 0.55  # of an app user's sessions
PAGE_SHARE = 0.22  # of web events that are not the first of a session
SIGNUP_POSITION_MAX = 0.9  # registered people sign up within the first 90% of their events
COOKIE_RESET_RATE = 0.35  # of web sessions
LOGIN_RATE = 0.15  # of sessions after signup
REFRESH_RATE = 0.9  # of logged-in sessions that start with an identify call
LOGIN_TRAITS_RATE = 0.3  # login identify calls that repeat the traits
TRACK_EMAIL_RATE = 0.05

# delivery noise
JUNK_RATE = 0.01
NO_IDENTIFIER_RATE = 0.0005
LATE_RATE = 0.01
DUPLICATE_RATE = 0.005

ZERO_IDFA = "00000000-0000-0000-0000-000000000000"
JUNK_VALUES = ("null", "undefined", "-1", "", "0000", "anonymous", "NULL", " none ", ZERO_IDFA)

# -------------------------------------------------------------------------------------------------
# Vocabularies
# -------------------------------------------------------------------------------------------------
FIRST_NAMES = tuple(
    "Jane John Maria Wei Aisha Carlos Olivia Liam Emma Noah Sofia Lucas Mia Ethan Amara Hiro "
    "Priya Omar Chloe Mateo Zoe Ivan Fatima Daniel Elena Kofi Grace Arjun Lena Samuel Yuki Nadia "
    "Leo Ava Diego Hannah Malik Ingrid Tariq Rosa Felix Mei Jonas Layla Victor Clara Andre Nina "
    "Ravi Alice Ben Chen Dara Emil Farah Gabriel Isla Jamal Kira Marco".split()
)
LAST_NAMES = tuple(
    "Doe Smith Garcia Chen Khan Johnson Williams Brown Jones Miller Davis Rodriguez Martinez "
    "Hernandez Lopez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Patel Kim Singh Okafor Novak Rossi Schmidt Silva Tanaka Larsen".split()
)
EMAIL_DOMAINS = (
    ("example.com", 0.35),
    ("example.org", 0.20),
    ("example.net", 0.15),
    ("mail.example", 0.12),
    ("inbox.example", 0.10),
    ("post.example", 0.08),
)
COMPANIES = (
    ("Acme Corp", "acme-corp.com"),
    ("Globex", "globex.com"),
    ("Initech", "initech.com"),
    ("Umbrella Health", "umbrella-health.com"),
    ("Hooli", "hooli.com"),
    ("Stark Industries", "stark-industries.com"),
    ("Wayne Enterprises", "wayne-enterprises.com"),
    ("Vandelay Industries", "vandelay.com"),
    ("Soylent Foods", "soylent-foods.com"),
    ("Cyberdyne", "cyberdyne.com"),
    ("Tyrell", "tyrell-corp.com"),
    ("Massive Dynamic", "massive-dynamic.com"),
    ("Aperture Labs", "aperture-labs.com"),
    ("Dunder Mifflin", "dundermifflin.com"),
    ("Pied Piper", "piedpiper.com"),
    ("Wonka Industries", "wonka.com"),
    ("Oscorp", "oscorp.com"),
    ("Gringotts", "gringotts-bank.com"),
    ("Monarch Solutions", "monarch-solutions.com"),
    ("Blue Sun", "bluesun.com"),
)
COMPANY_MISSING_RATE = 0.3
TEAM_MAILBOXES = ("team", "info", "sales", "hello", "office", "admin", "contact", "support")
PLANS = ("free", "pro", "team", "enterprise")
PLAN_P = (0.6, 0.25, 0.1, 0.05)

# email spellings: canonical lower case, Capitalised, UPPER, ' padded ', ' Capitalised padded '
EMAIL_VARIANTS = 5
SEGMENT_EMAIL_VARIANT_P = (0.86, 0.06, 0.03, 0.03, 0.02)
CRM_EMAIL_VARIANT_P = (0.6, 0.25, 0.05, 0.05, 0.05)
PHONE_TEMPLATES = ("+1 (###) ###-####", "###.###.####", "1##########", "###-###-####", "(###) ###-####")
PHONE_AREA = 555

SITE = "https://shop.example.com"
PRODUCTS = tuple(
    "trail-running-shoe merino-hoodie rain-shell-jacket canvas-backpack wool-beanie yoga-mat "
    "insulated-bottle cycling-gloves down-vest hiking-socks sun-hat climbing-chalk-bag camp-mug "
    "headlamp trekking-poles packable-duffel".split()
)
BLOG_POSTS = tuple(
    "how-to-layer-for-winter choosing-a-running-shoe packing-list-weekend-hike caring-for-merino "
    "spring-sale-announcement meet-our-makers".split()
)
PAGES: tuple[tuple[str, str, str, float], ...] = (
    ("Home", "/", "Example Shop", 20.0),
    ("Products", "/products", "All products | Example Shop", 8.0),
    ("Pricing", "/pricing", "Membership pricing | Example Shop", 4.0),
    ("Blog", "/blog", "Blog | Example Shop", 3.0),
    ("About", "/about", "About us | Example Shop", 1.5),
    ("Contact", "/contact", "Contact | Example Shop", 1.0),
    ("Careers", "/careers", "Careers | Example Shop", 0.5),
    ("Help", "/help/shipping", "Shipping & returns | Example Shop", 2.0),
    ("Cart", "/cart", "Your cart | Example Shop", 4.0),
    ("Checkout", "/checkout", "Checkout | Example Shop", 2.0),
    ("Sign Up", "/signup", "Create an account | Example Shop", 2.0),
    ("Log In", "/login", "Log in | Example Shop", 2.0),
    ("Account", "/account", "Your account | Example Shop", 2.0),
    *(
        (
            "Product",
            f"/products/{slug}",
            f"{slug.replace('-', ' ').title()} | Example Shop",
            2.0,
        )
        for slug in PRODUCTS
    ),
    *(
        (
            "Blog Post",
            f"/blog/{slug}",
            f"{slug.replace('-', ' ').capitalize()} | Example Shop Blog",
            1.0,
        )
        for slug in BLOG_POSTS
    ),
)
PAGE_NAME_MISSING_RATE = 0.08
UTM_QUERY = "?utm_source=newsletter&utm_medium=email&utm_campaign=spring"
UTM_RATE = 0.15  # of landing pages (newsletter clicks: no referrer)
EXTERNAL_REFERRERS = (
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://duckduckgo.com/",
    "https://t.co/",
    "https://www.facebook.com/",
    "https://www.linkedin.com/",
    "https://news.ycombinator.com/",
)
DIRECT_VISIT_RATE = 0.4  # landing pages without a referrer

# track event -> (web weight, app weight, page path it happens on; None = a random page)
TRACK_EVENTS: tuple[tuple[str, float, float, str | None], ...] = (
    ("Product Viewed", 25.0, 20.0, None),
    ("Product List Viewed", 12.0, 0.0, "/products"),
    ("Product Added", 10.0, 8.0, None),
    ("Cart Viewed", 6.0, 0.0, "/cart"),
    ("Checkout Started", 4.0, 0.0, "/checkout"),
    ("Order Completed", 3.0, 3.0, "/checkout"),
    ("Button Clicked", 14.0, 0.0, None),
    ("Search Performed", 8.0, 6.0, "/products"),
    ("Video Played", 3.0, 0.0, None),
    ("Newsletter Subscribed", 2.0, 0.0, "/blog"),
    ("Coupon Applied", 1.0, 0.0, "/cart"),
    ("Application Opened", 0.0, 30.0, None),
    ("Application Backgrounded", 0.0, 15.0, None),
    ("Push Notification Tapped", 0.0, 5.0, None),
    ("Signed Up", 0.0, 0.0, "/signup"),
    ("Signed In", 0.0, 0.0, "/login"),
)
SIGNED_UP = next(i for i, e in enumerate(TRACK_EVENTS) if e[0] == "Signed Up")
SIGNED_IN = next(i for i, e in enumerate(TRACK_EVENTS) if e[0] == "Signed In")

LIBRARIES = ("analytics.js", "analytics-ios", "analytics-android")
DEVICE_TYPES = ("ios", "android")

# channels: web browsers 0..2, the mobile app 3; a (person, channel) pair is a "slot"
APP = 3
SLOTS = 4

# -------------------------------------------------------------------------------------------------
# Output shape
# -------------------------------------------------------------------------------------------------
IDENTIFIES_COLUMNS = tuple(
    "id anonymous_id user_id email name first_name last_name phone plan context_device_id "
    "context_device_type context_device_advertising_id context_device_ad_tracking_enabled "
    "context_library_name timestamp original_timestamp sent_at received_at uuid_ts".split()
)
TRACKS_COLUMNS = tuple(
    "id anonymous_id user_id event event_text context_traits_email context_device_id "
    "context_device_type context_device_advertising_id context_device_ad_tracking_enabled "
    "context_library_name context_page_path timestamp original_timestamp sent_at received_at "
    "uuid_ts".split()
)
PAGES_COLUMNS = tuple(
    "id anonymous_id user_id name path url title referrer context_library_name timestamp "
    "original_timestamp sent_at received_at uuid_ts".split()
)
IDENTIFIER_COLUMNS = tuple(
    "anonymous_id user_id email phone context_traits_email context_device_id "
    "context_device_advertising_id".split()
)
# Segment table -> (columns, columns junk values may replace (anonymous_id first), rows may lack ids)
SEGMENT_TABLES = {
    "identifies": (IDENTIFIES_COLUMNS, ("anonymous_id", "user_id", "email"), False),
    "tracks": (TRACKS_COLUMNS, ("anonymous_id", "user_id"), True),
    "pages": (PAGES_COLUMNS, ("anonymous_id", "user_id"), True),
}
CSV_FILES = {
    "identifies": "demo_segment_identifies.csv",
    "tracks": "demo_segment_tracks.csv",
    "pages": "demo_segment_pages.csv",
    "contacts": "demo_crm_contacts.csv",
}
DUCKDB_TABLES = {
    "identifies": ("segment", "identifies"),
    "tracks": ("segment", "tracks"),
    "pages": ("segment", "pages"),
    "contacts": ("crm", "contacts"),
    "truth": ("truth", "events"),
}
CSV_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"

# strings have 32-bit offsets (half the overhead of large_string); row-level columns are chunked
STRING = pa.string()
CHUNK_ROWS = 1 << 20
_HEX_LOWER = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_UPPER = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
_UUID_HEX_POSITIONS = np.array([i for i in range(36) if i not in {8, 13, 18, 23}])


# -------------------------------------------------------------------------------------------------
# String building blocks (fixed-width ASCII matrices -> arrow strings, pools of values)
# -------------------------------------------------------------------------------------------------
def _strings(values: Sequence[str]) -> pa.Array:
    return pa.array(values, type=STRING)


def _scalar(value: str) -> pa.Scalar:
    return pa.scalar(value, type=STRING)


def _fixed_width_strings(chars: np.ndarray) -> pa.Array:
    """One string per row of an (n, width) uint8 matrix of ASCII codes, without copying."""
    rows, width = chars.shape
    if rows * width >= 2**31:
        raise ValueError("too many strings for one array: generate fewer people")
    data = np.ascontiguousarray(chars).reshape(-1)
    offsets = np.arange(rows + 1, dtype=np.int32) * np.int32(width)
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data))


def _hex_chars(raw: np.ndarray, upper: bool) -> np.ndarray:
    table = _HEX_UPPER if upper else _HEX_LOWER
    chars = np.empty((raw.shape[0], raw.shape[1] * 2), dtype=np.uint8)
    chars[:, 0::2] = table[raw >> 4]
    chars[:, 1::2] = table[raw & 0x0F]
    return chars


def _uuid_chars(raw: np.ndarray, upper: bool = False) -> np.ndarray:
    """Format (n, 16) random bytes as version-4 UUID text, an (n, 36) ASCII matrix."""
    chars = np.full((raw.shape[0], 36), ord("-"), dtype=np.uint8)
    for start in range(0, raw.shape[0], CHUNK_ROWS):
        block = raw[start : start + CHUNK_ROWS].copy()
        block[:, 6] = (block[:, 6] & 0x0F) | 0x40
        block[:, 8] = (block[:, 8] & 0x3F) | 0x80
        chars[start : start + CHUNK_ROWS, _UUID_HEX_POSITIONS] = _hex_chars(block, upper)
    return chars


def _random_bytes(rng: np.random.Generator, rows: int, width: int) -> np.ndarray:
    return rng.integers(0, 256, size=(rows, width), dtype=np.uint8)


def _digit_chars(numbers: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, an (n, width) ASCII matrix."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((numbers[:, None] // powers) % 10 + ord("0")).astype(np.uint8)


def _numbered_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Strings like 'usr_0001234': a prefix and a zero-padded number."""
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    chars = np.empty((numbers.shape[0], head.size + width), dtype=np.uint8)
    chars[:, : head.size] = head
    chars[:, head.size :] = _digit_chars(numbers, width)
    return _fixed_width_strings(chars)


def _templated(template: str, digits: np.ndarray) -> pa.Array:
    """Fill the '#' positions of a template with the rows of an (n, k) ASCII digit matrix."""
    pattern = np.frombuffer(template.encode(), dtype=np.uint8)
    chars = np.tile(pattern, (digits.shape[0], 1))
    chars[:, pattern == ord("#")] = digits
    return _fixed_width_strings(chars)


def _pool(*parts: pa.Array) -> pa.Array:
    return pa.concat_arrays([part.cast(STRING) for part in parts])


def _chunks(values: np.ndarray) -> list[np.ndarray]:
    return [values[start : start + CHUNK_ROWS] for start in range(0, values.size, CHUNK_ROWS)]


def _take(pool: pa.Array, index: np.ndarray) -> pa.ChunkedArray:
    """pool[index] with null where index is negative."""
    return pa.chunked_array(
        [pool.take(pa.array(part, mask=part < 0)) for part in _chunks(index)], type=pool.type
    )


def _row_strings(chars: np.ndarray, rows: np.ndarray | None = None) -> pa.ChunkedArray:
    """The strings of the given rows (default: all, without copying) of an (n, width) ASCII matrix."""
    if rows is None:
        parts = [chars[start : start + CHUNK_ROWS] for start in range(0, chars.shape[0], CHUNK_ROWS)]
    else:
        parts = [chars[part] for part in _chunks(rows)]
    return pa.chunked_array([_fixed_width_strings(part) for part in parts], type=STRING)


def _timestamps(seconds: np.ndarray) -> pa.Array:
    return pa.array(seconds.astype("datetime64[s]"))


def _choice(rng: np.random.Generator, weights: npt.ArrayLike, size: int) -> np.ndarray:
    """`size` draws of an index into `weights`, with probability proportional to the weight."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(p.size, size=size, p=p / p.sum())


# -------------------------------------------------------------------------------------------------
# The world: people, their devices, households, team mailboxes and identifier pools
# -------------------------------------------------------------------------------------------------
@dataclass
class _World:
    """Person-level facts. Persons 0..people-1 use the website; the rest are CRM-only leads."""

    people: int  # web visitors: persons 0..people-1
    population: int  # web visitors and CRM-only leads
    first_name: np.ndarray  # index into FIRST_NAMES, per person
    last_name: np.ndarray  # index into LAST_NAMES, per person
    company: np.ndarray  # index into COMPANIES or -1, per person
    plan: np.ndarray  # index into PLANS, per person
    team_of: np.ndarray  # index of the shared team mailbox the person types, or -1, per person
    team_count: int
    browsers: np.ndarray  # number of web browsers, per web person
    mobile: np.ndarray  # uses the app, per web person
    ios: np.ndarray  # the app runs on iOS (else Android), per web person
    ad_tracking: np.ndarray  # -1 unknown, 0 disabled, 1 enabled, per web person
    zero_idfa: np.ndarray  # iOS with tracking disabled reports the all-zero advertising id
    registered: np.ndarray  # per web person
    phone_on_identify: np.ndarray  # per web person
    anon_slot: np.ndarray  # person * SLOTS + channel -> the slot whose anonymous_id it starts with
    device_owner: np.ndarray  # whose device a web person's app runs on (shared iPads)
    skew: np.ndarray  # client clock skew in seconds, per slot
    slot_ids: pa.Array  # the first anonymous_id of every slot
    emails: pa.Array  # pool: EMAIL_VARIANTS x population, EMAIL_VARIANTS x teams, then JUNK_VALUES
    phones: pa.Array  # pool: len(PHONE_TEMPLATES) x population
    device_ids: pa.Array  # pool: iOS id per web person, then Android id per web person
    advertising_ids: pa.Array  # pool: iOS IDFA per web person, Android id per web person, zero IDFA
    full_names: pa.Array  # pool: per person


def _households(rng: np.random.Generator, people: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Members of ~3% of people's households: (members, their household head, shares an iPad)."""
    target = round(HOUSEHOLD_RATE * people)
    sizes = rng.choice(list(HOUSEHOLD_SIZE_P), size=target // 2 + 1, p=list(HOUSEHOLD_SIZE_P.values()))
    sizes = sizes[np.cumsum(sizes) <= target]
    members = rng.choice(people, size=int(sizes.sum()), replace=False)
    household = np.repeat(np.arange(sizes.size), sizes)
    heads = members[np.cumsum(sizes) - sizes]
    shares_ipad = rng.random(sizes.size) < HOUSEHOLD_SHARED_IPAD_RATE
    return members, heads[household], shares_ipad[household]


def _email_pool(
    rng: np.random.Generator, population: int, first: np.ndarray, last: np.ndarray, team_count: int
) -> pa.Array:
    """Every person's address in each spelling variant, then the team mailboxes', then junk."""
    first_lower = _strings([n.lower() for n in FIRST_NAMES]).take(first)
    last_lower = _strings([n.lower() for n in LAST_NAMES]).take(last)
    first_title = _strings(FIRST_NAMES).take(first)
    last_title = _strings(LAST_NAMES).take(last)
    style = pa.array(_choice(rng, (0.45, 0.2, 0.2, 0.15), population).astype(np.int8))
    number = pc.cast(pa.array(rng.permutation(population) + 1), STRING)
    domain_index = _choice(rng, [w for _, w in EMAIL_DOMAINS], population)
    domain = _strings([d for d, _ in EMAIL_DOMAINS]).take(domain_index)
    domain_title = _strings([d.capitalize() for d, _ in EMAIL_DOMAINS]).take(domain_index)

    def address(first_part: pa.Array, last_part: pa.Array, domain_part: pa.Array) -> pa.Array:
        empty = _scalar("")
        local = pc.choose(
            style,
            pc.binary_join_element_wise(first_part, last_part, _scalar(".")),
            pc.binary_join_element_wise(first_part, last_part, empty),
            pc.binary_join_element_wise(pc.utf8_slice_codeunits(first_part, 0, 1), last_part, empty),
            pc.binary_join_element_wise(first_part, last_part, _scalar("_")),
        )
        return pc.binary_join_element_wise(local, number, _scalar("@"), domain_part, empty)

    canonical = address(first_lower, last_lower, domain)
    capitalised = address(first_title, last_title, domain_title)
    team_canonical = _strings(
        [
            f"{TEAM_MAILBOXES[i % len(TEAM_MAILBOXES)]}@" + _team_domain(i // len(TEAM_MAILBOXES))
            for i in range(team_count)
        ]
    )
    team_capitalised = _strings([a.capitalize() for a in team_canonical.to_pylist()])
    return _pool(
        *_email_variants(canonical, capitalised),
        *_email_variants(team_canonical, team_capitalised),
        _strings(JUNK_VALUES),
    )


def _team_domain(index: int) -> str:
    _, domain = COMPANIES[index % len(COMPANIES)]
    repeat = index // len(COMPANIES)
    return domain if repeat == 0 else domain.replace(".", f"{repeat + 1}.", 1)


def _email_variants(canonical: pa.Array, capitalised: pa.Array) -> tuple[pa.Array, ...]:
    space = _scalar(" ")
    empty = _scalar("")
    return (
        canonical,
        capitalised,
        pc.utf8_upper(canonical),
        pc.binary_join_element_wise(space, canonical, space, empty),
        pc.binary_join_element_wise(space, capitalised, space, empty),
    )


def _build_world(rng: np.random.Generator, people: int) -> _World:
    population = people + round(CRM_LEAD_RATE * people)

    first = rng.integers(0, len(FIRST_NAMES), population)
    last = rng.integers(0, len(LAST_NAMES), population)
    company = np.where(
        rng.random(population) < COMPANY_MISSING_RATE, -1, rng.integers(0, len(COMPANIES), population)
    )
    plan = _choice(rng, PLAN_P, population)

    browsers = _choice(rng, BROWSER_COUNT_P, people) + 1
    mobile = rng.random(people) < MOBILE_RATE
    ios = rng.random(people) < IOS_SHARE
    tracking_on = rng.random(people) < AD_TRACKING_RATE
    ad_tracking = np.where(tracking_on, 1, np.where(rng.random(people) < 0.6, 0, -1)).astype(np.int8)
    zero_idfa = ios & (ad_tracking == 0) & (rng.random(people) < 0.5)
    registered = rng.random(people) < REGISTER_RATE
    phone_on_identify = rng.random(people) < PHONE_ON_IDENTIFY_RATE

    # families: everyone logs in with their own account on the head's browser (and maybe iPad)
    anon_slot = np.arange(people * SLOTS, dtype=np.int64)
    device_owner = np.arange(people, dtype=np.int64)
    members, heads, shares_ipad = _households(rng, people)
    registered[members] = True
    anon_slot[members * SLOTS] = heads * SLOTS
    ipad_members, ipad_heads = members[shares_ipad], heads[shares_ipad]
    mobile[ipad_members] = mobile[ipad_heads] = True
    ios[ipad_members] = ios[ipad_heads] = True
    ad_tracking[ipad_members] = ad_tracking[ipad_heads]
    zero_idfa[ipad_members] = zero_idfa[ipad_heads]
    anon_slot[ipad_members * SLOTS + APP] = ipad_heads * SLOTS + APP
    device_owner[ipad_members] = ipad_heads

    # shared team mailboxes, typed by several registered people outside those families
    team_count = max(2, people // PEOPLE_PER_TEAM_ADDRESS)
    in_household = np.zeros(people, dtype=bool)
    in_household[members] = True
    candidates = np.flatnonzero(registered & ~in_household)
    team_sizes = rng.integers(2, 7, team_count)
    team_sizes = team_sizes[np.cumsum(team_sizes) <= candidates.size]
    team_count = max(team_sizes.size, 1)
    team_users = rng.choice(candidates, size=int(team_sizes.sum()), replace=False)
    team_of = np.full(population, -1, dtype=np.int64)
    team_of[team_users] = np.repeat(np.arange(team_sizes.size), team_sizes)
    company[team_users] = (team_of[team_users] // len(TEAM_MAILBOXES)) % len(COMPANIES)

    # web ids: lower-case UUIDs; app ids: upper case on iOS
    slot_raw = _random_bytes(rng, people * SLOTS, 16)
    anon_chars = _uuid_chars(slot_raw).reshape(people, SLOTS, 36)
    anon_chars[ios, APP] = _uuid_chars(slot_raw.reshape(people, SLOTS, 16)[ios, APP], upper=True)
    slot_ids = _fixed_width_strings(anon_chars.reshape(-1, 36))
    device_ids = _pool(
        _fixed_width_strings(_uuid_chars(_random_bytes(rng, people, 16), upper=True)),
        _fixed_width_strings(_hex_chars(_random_bytes(rng, people, 8), upper=False)),
    )
    advertising_ids = _pool(
        _fixed_width_strings(_uuid_chars(_random_bytes(rng, people, 16), upper=True)),
        _fixed_width_strings(_uuid_chars(_random_bytes(rng, people, 16))),
        _strings([ZERO_IDFA]),
    )

    pool_size = max(10**7, 2 * population)
    number = rng.choice(pool_size, size=population, replace=False)
    phone_digits = _digit_chars((PHONE_AREA + number // 10**7) * 10**7 + number % 10**7, 10)
    phones = _pool(*(_templated(t, phone_digits) for t in PHONE_TEMPLATES))

    full_names = pc.binary_join_element_wise(
        _strings(FIRST_NAMES).take(first), _strings(LAST_NAMES).take(last), _scalar(" ")
    )
    skew = np.where(
        rng.random(people * SLOTS) < 0.85,
        0,
        np.where(
            rng.random(people * SLOTS) < 0.8,
            rng.integers(-300, 301, people * SLOTS),
            3600 * rng.integers(-8, 9, people * SLOTS),
        ),
    )
    return _World(
        people=people,
        population=population,
        first_name=first,
        last_name=last,
        company=company,
        plan=plan,
        team_of=team_of,
        team_count=team_count,
        browsers=browsers,
        mobile=mobile,
        ios=ios,
        ad_tracking=ad_tracking,
        zero_idfa=zero_idfa,
        registered=registered,
        phone_on_identify=phone_on_identify,
        anon_slot=anon_slot,
        device_owner=device_owner,
        skew=skew,
        slot_ids=slot_ids,
        emails=_email_pool(rng, population, first, last, team_count),
        phones=phones,
        device_ids=device_ids,
        advertising_ids=advertising_ids,
        full_names=full_names,
    )


def _email_index(
    rng: np.random.Generator,
    world: _World,
    person: np.ndarray,
    team_share: float,
    variant_p: tuple[float, ...],
) -> np.ndarray:
    """Index into world.emails: each row's person's address, or their team mailbox, in some spelling."""
    variant = _choice(rng, variant_p, person.size)
    index = variant * world.population + person
    team = world.team_of[person]
    use_team = (team >= 0) & (rng.random(person.size) < team_share)
    index[use_team] = (
        EMAIL_VARIANTS * world.population + variant[use_team] * world.team_count + team[use_team]
    )
    return index


# -------------------------------------------------------------------------------------------------
# Behaviour: everyone's events over 2024, sessions, channels, signups and logins
# -------------------------------------------------------------------------------------------------
@dataclass
class _Events:
    """Every web and app event (before identify calls), sorted by person then time."""

    person: np.ndarray
    time: np.ndarray  # epoch seconds
    channel: np.ndarray  # 0..2 a web browser, APP the mobile app
    session_start: np.ndarray
    anonymous_id: np.ndarray  # index into anonymous_ids
    anonymous_ids: pa.Array  # pool: one per slot, one per fresh cookie, then JUNK_VALUES
    identified: np.ndarray  # the user_id is known on this event (logged in on this cookie)
    signup: np.ndarray
    login: np.ndarray
    refresh: np.ndarray  # a logged-in session starts with an identify call repeating the user_id
    track: np.ndarray  # a track call (else a page view)
    track_event: np.ndarray  # index into TRACK_EVENTS (tracks only meaningful)
    first_seen: np.ndarray  # epoch seconds of each web person's first event
    user_ids: pa.Array  # pool: one per web person (registered people numbered in signup order), junk


def _simulate(rng: np.random.Generator, world: _World) -> _Events:
    people = world.people
    counts = 2 + np.floor(rng.lognormal(EVENTS_MU, EVENTS_SIGMA, people)).astype(np.int64)
    counts = np.minimum(counts, EVENTS_MAX)
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    person = np.repeat(np.arange(people, dtype=np.int64), counts)
    rank = np.arange(total, dtype=np.int64) - starts[person]

    # time: sessions separated by long gaps that fill each person's active span, seconds apart inside
    span = np.minimum(rng.exponential(1.0, people) * (1 + 1.2 * counts) * DAY, 330 * DAY).astype(np.int64)
    first_seen = YEAR_START + (rng.random(people) * (YEAR_END - YEAR_START - span - 2 * DAY)).astype(np.int64)
    session_start = (rng.random(total) < SESSION_RATE) | (rank == 0)
    weight = np.where(session_start & (rank > 0), rng.exponential(1.0, total), 0.0)
    weight_sum = np.add.reduceat(weight, starts)
    long_gap = np.divide(weight, weight_sum[person], out=np.zeros(total), where=weight > 0) * span[person]
    gap = np.where(session_start, long_gap.astype(np.int64), rng.geometric(1 / 45, total) - 1)
    gap[starts] = 0
    elapsed = np.cumsum(gap)
    elapsed -= (elapsed[starts] - gap[starts])[person]
    time = np.minimum(first_seen[person] + elapsed, YEAR_END)

    # channel per session: one of the person's browsers (the first most often) or the app
    session = np.cumsum(session_start) - 1
    session_person = person[session_start]
    use_app = world.mobile[session_person] & (rng.random(session_person.size) < APP_SESSION_SHARE)
    browser = (rng.random(session_person.size) ** 1.7 * world.browsers[session_person]).astype(np.int64)
    channel = np.where(use_app, APP, browser)[session]

    # a web session may start on a fresh cookie (cleared, expired): a new anonymous_id, logged out
    slot = person * SLOTS + channel
    by_slot = np.argsort(slot, kind="stable")  # each slot's events, in time order
    sorted_slot = slot[by_slot]
    slot_start = np.ones(total, dtype=bool)
    slot_start[1:] = sorted_slot[1:] != sorted_slot[:-1]
    fresh = session_start & (channel != APP) & (rng.random(total) < COOKIE_RESET_RATE)
    fresh = fresh[by_slot] & ~slot_start
    cookie = np.cumsum(slot_start | fresh) - 1  # per sorted event
    cookie_anon = np.where(fresh, people * SLOTS + np.cumsum(fresh) - 1, world.anon_slot[sorted_slot])
    anonymous_id = np.empty(total, dtype=np.int64)
    anonymous_id[by_slot] = cookie_anon[slot_start | fresh][cookie]
    anonymous_ids = _pool(
        world.slot_ids,
        _fixed_width_strings(_uuid_chars(_random_bytes(rng, int(fresh.sum()), 16))),
        _strings(JUNK_VALUES),
    )

    # registered people sign up part-way through their events; later sessions sometimes log in; the
    # user_id is known from a signup or login until that cookie ends
    signup_rank = np.where(
        world.registered,
        (np.sqrt(rng.random(people)) * SIGNUP_POSITION_MAX * counts).astype(np.int64),
        counts,
    )
    signup = rank == signup_rank[person]
    login = session_start & (rank > signup_rank[person]) & (rng.random(total) < LOGIN_RATE)
    last_login_cookie = np.maximum.accumulate(np.where((signup | login)[by_slot], cookie, -1))
    identified = np.empty(total, dtype=bool)
    identified[by_slot] = last_login_cookie == cookie
    refresh = identified & session_start & ~signup & ~login & (rng.random(total) < REFRESH_RATE)
    signup_time = np.full(people, YEAR_END + 1, dtype=np.int64)
    signup_time[person[signup]] = time[signup]
    user_number = np.empty(people, dtype=np.int64)
    user_number[np.argsort(signup_time, kind="stable")] = np.arange(1, people + 1)
    user_ids = _pool(_numbered_ids("usr_", user_number, max(7, len(str(people)))), _strings(JUNK_VALUES))

    is_app = channel == APP
    track = is_app | ~(session_start | (rng.random(total) < PAGE_SHARE)) | signup | login
    web_p = np.array([e[1] for e in TRACK_EVENTS])
    app_p = np.array([e[2] for e in TRACK_EVENTS])
    track_event = np.where(is_app, _choice(rng, app_p, total), _choice(rng, web_p, total))
    track_event[signup] = SIGNED_UP
    track_event[login] = SIGNED_IN
    return _Events(
        person=person,
        time=time,
        channel=channel,
        session_start=session_start,
        anonymous_id=anonymous_id,
        anonymous_ids=anonymous_ids,
        identified=identified,
        signup=signup,
        login=login,
        refresh=refresh,
        track=track,
        track_event=track_event,
        first_seen=first_seen,
        user_ids=user_ids,
    )


# -------------------------------------------------------------------------------------------------
# Segment tables: rows as pool indices, then delivery noise, then materialised columns
# -------------------------------------------------------------------------------------------------
@dataclass
class _Draft:
    """Rows of one Segment table before delivery: string columns as (pool, index; -1 = null)."""

    person: np.ndarray
    channel: np.ndarray
    time: np.ndarray
    strings: dict[str, tuple[pa.Array, np.ndarray]] = field(default_factory=dict)
    ad_tracking: np.ndarray | None = None  # -1 null, 0 false, 1 true

    def add(self, columns: dict[str, tuple[pa.Array, np.ndarray]]) -> None:
        self.strings.update({name: (pool, index.astype(np.int32)) for name, (pool, index) in columns.items()})


def _context(world: _World, events: _Events, rows: np.ndarray, with_device: bool) -> _Draft:
    """The columns every call shares: anonymous_id, user_id, library and (for the app) the device."""
    person = events.person[rows]
    channel = events.channel[rows]
    app = channel == APP
    ios = world.ios[person]
    owner = world.device_owner[person]
    draft = _Draft(person=person, channel=channel, time=events.time[rows])
    draft.add(
        {
            "anonymous_id": (events.anonymous_ids, events.anonymous_id[rows]),
            "user_id": (events.user_ids, np.where(events.identified[rows], person, -1)),
            "context_library_name": (_strings(LIBRARIES), np.where(app, np.where(ios, 1, 2), 0)),
        }
    )
    if with_device:
        tracking = world.ad_tracking[owner]
        advertising = np.where(
            tracking == 1,
            np.where(ios, owner, world.people + owner),
            np.where(world.zero_idfa[owner], 2 * world.people, -1),
        )
        draft.add(
            {
                "context_device_id": (
                    world.device_ids,
                    np.where(app, np.where(ios, owner, world.people + owner), -1),
                ),
                "context_device_type": (_strings(DEVICE_TYPES), np.where(app, np.where(ios, 0, 1), -1)),
                "context_device_advertising_id": (world.advertising_ids, np.where(app, advertising, -1)),
            }
        )
        draft.ad_tracking = np.where(app, tracking, -1)
    return draft


def _identifies(rng: np.random.Generator, world: _World, events: _Events) -> _Draft:
    rows = np.flatnonzero(events.signup | events.login | events.refresh)
    draft = _context(world, events, rows, with_device=True)
    person = draft.person
    traits = events.signup[rows] | (rng.random(rows.size) < LOGIN_TRAITS_RATE)
    email = _email_index(rng, world, person, TEAM_EMAIL_SHARE, SEGMENT_EMAIL_VARIANT_P)
    phone_format = _choice(rng, (0.4, 0.2, 0.1, 0.15, 0.15), rows.size)
    with_phone = traits & world.phone_on_identify[person] & (rng.random(rows.size) < 0.9)
    plan = np.where(events.signup[rows], 0, world.plan[person])
    draft.add(
        {
            "email": (world.emails, np.where(traits, email, -1)),
            "name": (world.full_names, np.where(traits, person, -1)),
            "first_name": (_strings(FIRST_NAMES), np.where(traits, world.first_name[person], -1)),
            "last_name": (_strings(LAST_NAMES), np.where(traits, world.last_name[person], -1)),
            "phone": (world.phones, np.where(with_phone, phone_format * world.population + person, -1)),
            "plan": (_strings(PLANS), np.where(traits, plan, -1)),
        }
    )
    return draft


def _page_path_pool() -> pa.Array:
    return _strings([p[1] for p in PAGES])


def _tracks(rng: np.random.Generator, world: _World, events: _Events) -> _Draft:
    rows = np.flatnonzero(events.track)
    draft = _context(world, events, rows, with_device=True)
    event = events.track_event[rows]
    fixed_path = np.array([-1 if e[3] is None else [p[1] for p in PAGES].index(e[3]) for e in TRACK_EVENTS])
    path = np.where(fixed_path[event] >= 0, fixed_path[event], _choice(rng, [p[3] for p in PAGES], rows.size))
    with_email = events.identified[rows] & (rng.random(rows.size) < TRACK_EMAIL_RATE)
    email = _email_index(rng, world, draft.person, TEAM_EMAIL_SHARE, SEGMENT_EMAIL_VARIANT_P)
    draft.add(
        {
            "event": (_strings([e[0].lower().replace(" ", "_") for e in TRACK_EVENTS]), event),
            "event_text": (_strings([e[0] for e in TRACK_EVENTS]), event),
            "context_traits_email": (world.emails, np.where(with_email, email, -1)),
            "context_page_path": (_page_path_pool(), np.where(draft.channel == APP, -1, path)),
        }
    )
    return draft


def _pages(rng: np.random.Generator, world: _World, events: _Events) -> _Draft:
    rows = np.flatnonzero(~events.track)
    draft = _context(world, events, rows, with_device=False)
    page = _choice(rng, [p[3] for p in PAGES], rows.size)
    landing = events.session_start[rows]
    utm = landing & (rng.random(rows.size) < UTM_RATE)
    external = np.where(
        rng.random(rows.size) < DIRECT_VISIT_RATE, -1, rng.integers(0, len(EXTERNAL_REFERRERS), rows.size)
    )
    internal = len(EXTERNAL_REFERRERS) + _choice(rng, [p[3] for p in PAGES], rows.size)
    urls = [SITE + p[1] for p in PAGES]
    draft.add(
        {
            "name": (
                _strings([p[0] for p in PAGES]),
                np.where(rng.random(rows.size) < PAGE_NAME_MISSING_RATE, -1, page),
            ),
            "path": (_page_path_pool(), page),
            "url": (_strings(urls + [u + UTM_QUERY for u in urls]), page + np.where(utm, len(PAGES), 0)),
            "title": (_strings([p[2] for p in PAGES]), page),
            "referrer": (
                _strings(EXTERNAL_REFERRERS + tuple(urls)),
                np.where(landing, np.where(utm, -1, external), internal),
            ),
        }
    )
    return draft


def _deliver(
    rng: np.random.Generator,
    skew: np.ndarray,
    draft: _Draft,
    columns: tuple[str, ...],
    source_name: str,
    junk_columns: tuple[str, ...],
    allow_no_identifier: bool,
) -> tuple[pa.Table, pa.Table]:
    """Apply delivery noise and materialise the table; also return its truth rows.

    `skew` is the client clock skew (seconds) of every slot.
    """
    rows = draft.person.size
    strings = draft.strings

    # junk values replace a real identifier; a pick that is null in its row falls back to the first
    # junk column (the anonymous_id, always present)
    junk = np.flatnonzero(rng.random(rows) < JUNK_RATE)
    pick = rng.integers(0, len(junk_columns), junk.size)
    value = rng.integers(0, len(JUNK_VALUES), junk.size)
    for number, column in enumerate(junk_columns):
        pick[(pick == number) & (strings[column][1][junk] < 0)] = 0
    for number, column in enumerate(junk_columns):
        pool, index = strings[column]
        chosen = pick == number
        index[junk[chosen]] = len(pool) - len(JUNK_VALUES) + value[chosen]  # junk ends the pool
    if allow_no_identifier:
        bare = rng.random(rows) < NO_IDENTIFIER_RATE
        for column in IDENTIFIER_COLUMNS:
            if column in strings:
                strings[column][1][bare] = -1

    # client clocks, batching and late arrival; timestamp = received_at - (sent_at - original_timestamp)
    clock = skew[draft.person * SLOTS + draft.channel]
    delay = np.where(draft.channel == APP, rng.integers(0, 61, rows), rng.geometric(0.6, rows) - 1)
    late = rng.random(rows) < LATE_RATE
    delay[late] += rng.integers(1, 15, late.sum()) * DAY + rng.integers(0, DAY, late.sum())
    original = draft.time + clock
    sent = original + delay
    received = draft.time + delay

    # duplicate deliveries keep the payload and arrive again later; rows are in load order
    duplicate = np.flatnonzero(rng.random(rows) < DUPLICATE_RATE)
    source = np.concatenate([np.arange(rows), duplicate])
    received = np.concatenate([received, received[duplicate] + rng.integers(2, 1800, duplicate.size)])
    loaded = received + rng.integers(60, 3600, source.size)
    order = np.argsort(loaded, kind="stable")
    source, received, loaded = source[order], received[order], loaded[order]

    message_ids = _uuid_chars(_random_bytes(rng, rows, 16))
    times = {
        "timestamp": draft.time[source],
        "original_timestamp": original[source],
        "sent_at": sent[source],
        "received_at": received,
        "uuid_ts": loaded,
    }
    data: dict[str, pa.Array | pa.ChunkedArray] = {}
    for column in columns:
        if column in times:
            data[column] = _timestamps(times[column])
        elif column == "id":
            data[column] = _row_strings(message_ids, source)
        elif column == "context_device_ad_tracking_enabled":
            tracking = draft.ad_tracking[source]
            data[column] = pa.array(tracking == 1, mask=tracking < 0)
        else:
            pool, index = strings[column]
            data[column] = _take(pool, index[source])
    truth = _truth(source_name, _row_strings(message_ids), draft.person)
    return pa.table(data), truth


def _truth(source_name: str, event_id: pa.Array, person: np.ndarray) -> pa.Table:
    return pa.table(
        {
            "source_name": _take(_strings([source_name]), np.zeros(person.size, dtype=np.int64)),
            "event_id": event_id,
            "person_id": pa.array(person, type=pa.int64()),
        }
    )


# -------------------------------------------------------------------------------------------------
# CRM contacts
# -------------------------------------------------------------------------------------------------
def _contacts(rng: np.random.Generator, world: _World, first_seen: np.ndarray) -> tuple[pa.Table, pa.Table]:
    customers = np.flatnonzero(rng.random(world.people) < CRM_RATE)
    person = np.concatenate([customers, np.arange(world.people, world.population)])
    rows = person.size
    lead = person >= world.people

    # customers enter the CRM up to four months before or after their first visit; leads any time
    created = np.empty(rows, dtype=np.int64)
    created[~lead] = first_seen[person[~lead]] + rng.integers(-120 * DAY, 120 * DAY, int((~lead).sum()))
    created[lead] = LEADS_START + (rng.random(int(lead.sum())) * (YEAR_END - LEADS_START)).astype(np.int64)
    created = np.minimum(created, YEAR_END)
    updated = np.minimum(created + (rng.exponential(40.0, rows) * DAY).astype(np.int64), YEAR_END)
    order = np.argsort(created, kind="stable")
    person, created, updated = person[order], created[order], updated[order]

    has_email = rng.random(rows) < 0.85
    has_phone = (rng.random(rows) < 0.4) | ~has_email
    email = _email_index(rng, world, person, 1.0, CRM_EMAIL_VARIANT_P)
    phone = _choice(rng, (0.3, 0.2, 0.2, 0.2, 0.1), rows) * world.population + person
    shouting = rng.random(rows) < 0.05
    width = max(7, len(str(rows)))
    contact_id = _numbered_ids("crm_", np.arange(1, rows + 1), width)
    table = pa.table(
        {
            "contact_id": contact_id,
            "email": _take(world.emails, np.where(has_email, email, -1)),
            "phone": _take(world.phones, np.where(has_phone, phone, -1)),
            "first_name": _take(_strings(FIRST_NAMES), world.first_name[person]),
            "last_name": _take(
                _pool(_strings(LAST_NAMES), _strings([n.upper() for n in LAST_NAMES])),
                world.last_name[person] + np.where(shouting, len(LAST_NAMES), 0),
            ),
            "company": _take(_strings([c[0] for c in COMPANIES]), world.company[person]),
            "created_at": _timestamps(created),
            "updated_at": _timestamps(updated),
        }
    )
    return table, _truth("crm_contacts", contact_id, person)


# -------------------------------------------------------------------------------------------------
# Increments: more rows for a data set already delivered (see generate_increment)
# -------------------------------------------------------------------------------------------------
INCREMENT_NEW_PEOPLE_SHARE = 0.25  # of an increment's rows: people the data set has never seen
INCREMENT_FRESH_COOKIE_RATE = 0.1  # of a returning person's web rows: a browser never seen before
_NOT_IDENTIFIERS = frozenset(JUNK_VALUES)
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _rekey_hex(value: str, tag: str) -> str:
    """Another id of the same shape (UUID, hex device id): hex digits from md5(tag, value), same case."""
    digest = hashlib.md5(f"{tag}:{value}".encode()).hexdigest() * 2
    upper = any("A" <= c <= "F" for c in value)
    digits = iter(digest.upper() if upper else digest)
    return "".join(next(digits) if c in _HEX_DIGITS else c for c in value)


def _rekey_email(value: str, tag: str) -> str:
    """'Jane.Doe12@Example.com' -> 'Jane.Doe12.b1@Example.com': every spelling of one address moves together."""
    at = value.rfind("@")
    return value if at < 0 else f"{value[:at]}.{tag}{value[at:]}"


def _rekey_phone(value: str, tag: str) -> str:
    """The same number in the same format under another area code (one per increment)."""
    positions = [i for i, c in enumerate(value) if c.isdigit()]
    area = positions[1:4] if len(positions) == 11 else positions[:3]
    code = f"{700 + int(tag[1:]) % 300:03d}"
    chars = list(value)
    for position, digit in zip(area, code, strict=False):
        chars[position] = digit
    return "".join(chars)


def _rekey_user_id(value: str, tag: str) -> str:
    return value.replace("_", f"_{tag}_", 1) if "_" in value else f"{value}_{tag}"


# identifier column -> how a new person's value is made from the person it is modelled on
_REKEY_RULES = {
    "anonymous_id": _rekey_hex,
    "user_id": _rekey_user_id,
    "email": _rekey_email,
    "context_traits_email": _rekey_email,
    "phone": _rekey_phone,
    "context_device_id": _rekey_hex,
    "context_device_advertising_id": _rekey_hex,
}


def _rekeyed(values: pd.Series, rows: np.ndarray, tag: str, rule) -> pd.Series:
    """`values` with the given rows' identifiers replaced by rule(value, tag); junk and nulls stay."""
    chosen = rows & values.notna().to_numpy()
    if not chosen.any():
        return values
    mapping = {v: (v if v in _NOT_IDENTIFIERS else rule(v, tag)) for v in pd.unique(values[chosen])}
    result = values.copy()
    result[chosen] = pd.array([mapping[v] for v in values[chosen]], dtype=values.dtype)
    return result


def _seconds(column: pd.Series) -> np.ndarray:
    return column.to_numpy().astype("datetime64[s]").astype(np.int64)


def _newest(existing: Sequence[dict[str, pd.DataFrame]], column: str) -> int:
    return max(int(_seconds(frames[name][column]).max()) for frames in existing for name in SEGMENT_TABLES
               if len(frames[name]))


def _increment_rows(
    rng: np.random.Generator,
    frames: dict[str, pd.DataFrame],
    name: str,
    picked: np.ndarray,
    tag: str,
    person_offset: int,
    clock: dict[str, float],
) -> tuple[pd.DataFrame, pa.Table]:
    """New rows modelled on the rows `picked` of one Segment table; and their truth rows."""
    rows = frames[name].iloc[picked].reset_index(drop=True)
    count = len(rows)
    truth = frames["truth"]
    of_table = truth[truth["source_name"] == f"segment.{name}"]
    position = pc.index_in(
        pa.array(rows["id"], type=STRING), value_set=pa.array(of_table["event_id"], type=STRING)
    ).to_numpy(zero_copy_only=False)
    person = of_table["person_id"].to_numpy()[position]

    # new people: the same behaviour under identifiers nobody has used; returning web visitors
    # sometimes come back on a fresh cookie
    new_person = rng.random(count) < clock["new_people_share"]
    for column, rule in _REKEY_RULES.items():
        if column in rows:
            rows[column] = _rekeyed(rows[column], new_person, tag, rule)
    web = (rows["context_library_name"] == LIBRARIES[0]).to_numpy(dtype=bool, na_value=False)
    fresh = web & ~new_person & (rng.random(count) < INCREMENT_FRESH_COOKIE_RATE)
    cookies = _row_strings(_uuid_chars(_random_bytes(rng, count, 16)))
    rows["anonymous_id"] = rows["anonymous_id"].where(
        ~fresh, pd.Series(cookies.to_pandas(types_mapper=_pandas_type), index=rows.index)
    )
    person = np.where(new_person, person + person_offset, person)

    # times: on-time rows happen after the newest data and arrive as before (same delays and clock
    # skew as the row they are modelled on); late rows happened up to `late_days` ago and arrive now
    timestamp = _seconds(rows["timestamp"])
    original_skew = _seconds(rows["original_timestamp"]) - timestamp
    sent_after = _seconds(rows["sent_at"]) - timestamp
    received_after = _seconds(rows["received_at"]) - timestamp
    late = rng.random(count) < clock["late_share"]
    happened = np.where(
        late,
        clock["newest"] - (rng.random(count) * clock["late_days"] * DAY).astype(np.int64),
        clock["newest"] + 1 + (rng.random(count) * clock["days"] * DAY).astype(np.int64),
    )
    received = np.where(late, clock["loaded"] + rng.integers(0, 3600, count), happened + received_after)
    rows["timestamp"] = happened.astype("datetime64[s]")
    rows["original_timestamp"] = (happened + original_skew).astype("datetime64[s]")
    rows["sent_at"] = np.where(late, received + sent_after - received_after, happened + sent_after).astype(
        "datetime64[s]"
    )
    rows["received_at"] = received.astype("datetime64[s]")
    rows["uuid_ts"] = (np.maximum(received, clock["loaded"]) + rng.integers(60, 3600, count)).astype(
        "datetime64[s]"
    )
    message_ids = _row_strings(_uuid_chars(_random_bytes(rng, count, 16)))
    rows["id"] = pd.Series(message_ids.to_pandas(types_mapper=_pandas_type), index=rows.index)
    return rows, _truth(f"segment.{name}", message_ids, person)


# -------------------------------------------------------------------------------------------------
# Public API
# -------------------------------------------------------------------------------------------------
def generate(people: int, seed: int) -> dict[str, pd.DataFrame]:
    """Generate the data set for `people` web visitors (plus ~5% CRM-only leads).

    Returns DataFrames keyed 'identifies', 'tracks', 'pages' (Segment warehouse tables), 'contacts'
    (CRM) and 'truth' (source_name, event_id, person_id: the true person behind every distinct
    delivered row; duplicate deliveries share their event_id and appear once). String columns are
    pyarrow-backed (``pd.ArrowDtype(pa.string())``), timestamps ``datetime64[s]``, booleans nullable.
    """
    if people < 1:
        raise ValueError("people must be at least 1")
    rng = np.random.default_rng(seed)
    world = _build_world(rng, people)
    events = _simulate(rng, world)

    drafts = {
        "identifies": _identifies(rng, world, events),
        "tracks": _tracks(rng, world, events),
        "pages": _pages(rng, world, events),
    }
    contacts, contacts_truth = _contacts(rng, world, events.first_seen)
    skew = world.skew
    del events, world  # the drafts keep the string pools they need

    frames: dict[str, pd.DataFrame] = {}
    truths: list[pa.Table] = []
    for name, (columns, junk_columns, allow_no_identifier) in SEGMENT_TABLES.items():
        table, truth = _deliver(
            rng, skew, drafts.pop(name), columns, f"segment.{name}", junk_columns, allow_no_identifier
        )
        frames[name] = _to_pandas(table)
        truths.append(truth)
    frames["contacts"] = _to_pandas(contacts)
    frames["truth"] = _to_pandas(pa.concat_tables([*truths, contacts_truth]))
    return frames


def generate_increment(
    existing: Sequence[dict[str, pd.DataFrame]],
    events: int,
    seed: int,
    *,
    batch: int = 1,
    late_share: float = 0.1,
    late_days: float = 30,
    days: float = 7,
    new_people_share: float = INCREMENT_NEW_PEOPLE_SHARE,
) -> dict[str, pd.DataFrame]:
    """New Segment rows to append to a data set: `events` rows, loaded after every row it holds.

    `existing` is what the tables hold so far: the frames of `generate()` and of earlier increments
    (each is sampled; the newest timestamp and load time across them start the new data). Each new
    row is modelled on a random existing row (same table, columns, traits, client clock and
    delivery delays) with a new message id:

    * about `new_people_share` of the rows belong to people never seen before: the identifiers of
      the person the row is modelled on, rewritten the same way for the whole increment (`batch`
      numbers it: the same person copied in two increments is two people);
    * the rest are returning people, with their identifiers; a tenth of their web rows come on a
      fresh cookie (a new anonymous_id);
    * `late_share` of the rows happened up to `late_days` before the newest timestamp and arrive
      now; the others happen within `days` after it;
    * every row is loaded (`uuid_ts`) after the newest existing load time, in load order.

    Returns the same keys as `generate()` ('contacts' empty: CRM rows are not added). Deterministic
    for the same inputs, `seed` and `batch`; `generate()` itself is unchanged by this function.
    """
    if events < 0:
        raise ValueError("events must not be negative")
    rng = np.random.default_rng([seed, batch])
    clock = {
        "newest": _newest(existing, "timestamp"),
        "loaded": _newest(existing, "uuid_ts"),
        "late_share": late_share,
        "late_days": late_days,
        "days": days,
        "new_people_share": new_people_share,
    }
    person_offset = batch << 40  # truth: a new person's id is the modelled person's plus this
    parts = [(frames, name) for frames in existing for name in SEGMENT_TABLES]
    sizes = np.array([len(frames[name]) for frames, name in parts], dtype=np.float64)
    counts = rng.multinomial(events, sizes / sizes.sum())
    tables: dict[str, list[pd.DataFrame]] = {name: [] for name in SEGMENT_TABLES}
    truths: list[pa.Table] = []
    for (frames, name), count in zip(parts, counts, strict=True):
        picked = np.sort(rng.choice(len(frames[name]), size=count, replace=count > len(frames[name])))
        rows, truth = _increment_rows(rng, frames, name, picked, f"b{batch}", person_offset, clock)
        tables[name].append(rows)
        truths.append(truth)
    result: dict[str, pd.DataFrame] = {}
    for name, parts_of_table in tables.items():
        frame = pd.concat(parts_of_table, ignore_index=True)
        result[name] = frame.sort_values("uuid_ts", kind="stable", ignore_index=True)
    result["contacts"] = existing[0]["contacts"].iloc[:0].copy()
    result["truth"] = _to_pandas(pa.concat_tables(truths))
    return result


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Strings stay in arrow (pd.ArrowDtype(pa.string())), booleans become nullable booleans."""
    frame = table.to_pandas(types_mapper=_pandas_type)
    pa.default_memory_pool().release_unused()
    return frame


def _pandas_type(arrow_type: pa.DataType) -> pd.api.extensions.ExtensionDtype | None:
    if arrow_type == pa.bool_():
        return pd.BooleanDtype()
    if arrow_type == STRING:
        return pd.ArrowDtype(STRING)
    return None


def write_csv(frames: dict[str, pd.DataFrame], directory: str | Path) -> None:
    """Write the four source tables as dbt seed CSVs (empty field = null)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, file_name in CSV_FILES.items():
        frame = frames[name].copy()
        for column in frame.columns[frame.dtypes == "boolean"]:
            frame[column] = frame[column].map({True: "true", False: "false"})
        frame.to_csv(
            directory / file_name, index=False, date_format=CSV_TIMESTAMP_FORMAT, lineterminator="\n"
        )


def write_duckdb(frames: dict[str, pd.DataFrame], path: str | Path) -> None:
    """Write segment.{identifies,tracks,pages}, crm.contacts and truth.events, replacing them."""
    with duckdb.connect(str(path)) as connection:
        for name, (schema, table) in DUCKDB_TABLES.items():
            arrow = pa.Table.from_pandas(frames[name], preserve_index=False)
            connection.execute(f"create schema if not exists {schema}")
            connection.register("generated_frame", arrow)
            select = ", ".join(
                f"cast({field.name} as {_duckdb_type(field.type)}) as {field.name}" for field in arrow.schema
            )
            connection.execute(
                f"create or replace table {schema}.{table} as select {select} from generated_frame"
            )
            connection.unregister("generated_frame")


def _duckdb_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_integer(arrow_type):
        return "bigint"
    return "varchar"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=300, help="people visiting the website (default 300)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--csv-dir", help="write the demo seed CSVs into this directory")
    parser.add_argument("--duckdb", help="write the tables (and truth.events) into this DuckDB file")
    args = parser.parse_args()
    if args.csv_dir is None and args.duckdb is None:
        parser.error("give --csv-dir and/or --duckdb")
    if args.people < 1:
        parser.error("--people must be at least 1")

    frames = generate(args.people, args.seed)
    if args.csv_dir is not None:
        write_csv(frames, args.csv_dir)
    if args.duckdb is not None:
        write_duckdb(frames, args.duckdb)
    for name, frame in frames.items():
        print(f"{name}: {len(frame):,} rows")


if __name__ == "__main__":
    main()
