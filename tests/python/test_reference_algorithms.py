"""The set-based algorithms the SQL uses give exactly the one-at-a-time definition (pure Python).

These run in seconds on thousands of logs; the SQL itself is compared with the reference in
test_properties_sql.py.
"""

import pytest
from hypothesis import HealthCheck, given, settings

from reference import Config, resolve, resolve_msf, resolve_mutual_cheapest
from strategies import MULTI_LIMIT, event_logs

pytestmark = pytest.mark.adapter_independent

def _check_limits(resolution, config):
    for nodes in resolution.profiles.values():
        for type_name, cfg in config.types.items():
            if cfg.limit is not None:
                assert sum(1 for t, _ in nodes if t == type_name) <= cfg.limit


@settings(max_examples=2000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(event_logs())
def test__msf_with_virtual_root__equals_definition_for_one_limit_of_one(log):
    expected = resolve(log)
    assert resolve_msf(log).core() == expected.core()
    _check_limits(expected, Config())


@settings(max_examples=2000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(event_logs())
def test__mutual_cheapest_merging__equals_definition_for_several_limits(log):
    expected = resolve(log, MULTI_LIMIT)
    actual, _rounds = resolve_mutual_cheapest(log, MULTI_LIMIT)
    assert actual.core() == expected.core()
    _check_limits(expected, MULTI_LIMIT)


@settings(max_examples=2000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(event_logs())
def test__mutual_cheapest_merging__equals_definition_for_the_default_config(log):
    actual, _rounds = resolve_mutual_cheapest(log)
    assert actual.core() == resolve(log).core()
