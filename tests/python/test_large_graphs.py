"""Adversarial graphs: rounds must grow like log(diameter), not like the diameter.

A 100,000-node chain (values numbered at random along it, so no lucky ordering helps) and a
100,000-spoke star, each resolved by a real dbt build; the logged round counts are checked.
"""

from __future__ import annotations

import hashlib

import pytest

from scenarios import track
from strategies import SOURCES_VARS, to_rows

pytestmark = pytest.mark.engines("duckdb", why=(
    "100k-node graphs: minutes on the slower engines for the same SQL the scenario and property tests "
    "run there"))

N = 100_000


def _scrambled(prefix: str, i: int) -> str:
    return f"{prefix}{hashlib.md5(str(i).encode()).hexdigest()[:12]}-{i}"


@pytest.fixture(scope="module")
def chain_and_star(project_factory):
    events = []
    # chain: a0 - e0 - a1 - e1 - ... : 50,000 emails and 50,001 anonymous ids, one component
    for i in range(N // 2):
        email = _scrambled("chain-e", i) + "@x.com"
        events.append(track(f"chain-x{i}", i % 7, anonymous_id=_scrambled("chain-a", i), email=email))
        events.append(track(f"chain-y{i}", i % 7, anonymous_id=_scrambled("chain-a", i + 1), email=email))
    # star: one user id with 100,000 anonymous ids
    for i in range(N):
        events.append(track(f"star-x{i}", i % 11, user_id="star-hub", anonymous_id=_scrambled("star-a", i)))
    project = project_factory("large")
    project.load(to_rows(events))
    result = project.build(SOURCES_VARS, "--select", "+idr_identifiers", "--indirect-selection", "cautious")
    assert result.success, result.why
    return project, result


def _profiles_and_identifiers(project, prefix: str) -> tuple[int, int]:
    ((profiles, identifiers),) = project.query(
        "select count(distinct profile_id), count(*) from idr_identifiers "
        f"where identifier_value like '{prefix}%'")
    return profiles, identifiers


@pytest.mark.slow
def test__long_chain__a_100k_node_chain_is_one_profile_in_few_rounds(chain_and_star):
    project, result = chain_and_star
    assert _profiles_and_identifiers(project, "chain-") == (1, N + 1)
    rounds = result.rounds("components")
    print(f"\n100k chain + 100k star: {rounds} component rounds")
    assert rounds <= 25


@pytest.mark.slow
def test__big_star__a_100k_spoke_star_is_one_profile(chain_and_star):
    project, _ = chain_and_star
    assert _profiles_and_identifiers(project, "star-") == (1, N + 1)
