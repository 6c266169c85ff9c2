"""Bad configuration and bad input fail the build with a message that says what to fix."""

from __future__ import annotations

import pytest

from scenarios import SCENARIOS
from strategies import SOURCES_VARS, to_rows

pytestmark = pytest.mark.engines("duckdb", "postgres", why=(
    "config errors are engine-independent: each is raised at parse time or by the first query, before "
    "any model writes"))

CRM = SOURCES_VARS["idr_sources"][0]


@pytest.fixture(scope="module")
def project(project_factory):
    project = project_factory("config_errors")
    project.load(to_rows(SCENARIOS["chain"] + SCENARIOS["shared_device"]))
    return project


def _failure_text(result) -> str:
    return " ".join([str(result.exception or ""), *result.failures, *result.logs])


@pytest.mark.parametrize(
    ("vars", "message"),
    [
        pytest.param({"idr_identifier_types": {"user_id": {"priority": 1, "limt": 1}}},
                     "idr_identifier_types.user_id has unknown key 'limt'", id="unknown_key"),
        pytest.param({"idr_identifier_types": {"user_id": {"priority": 1, "limit": 1.5}}},
                     "idr_identifier_types.user_id.limit must be a whole number >= 1", id="fractional_limit"),
        pytest.param({"idr_identifier_types": {"user_id": {"priority": 1, "limit": "one"}}},
                     "idr_identifier_types.user_id.limit must be a whole number >= 1", id="text_limit"),
        pytest.param({"idr_identifier_types": {"user_id": {"priority": 1, "limit": 0}}},
                     "idr_identifier_types.user_id.limit must be a whole number >= 1", id="zero_limit"),
        pytest.param({"idr_identifier_types": {"user_id": {"priority": 1}, "email": {"priority": 1}}},
                     "share priority 1", id="duplicate_priority"),
        pytest.param({"idr_identifier_types": {"email": {"limit": 2}}},
                     "idr_identifier_types.email.priority must be a whole number", id="missing_priority"),
        pytest.param({"idr_identifier_types": {"Email": {"priority": 1}}},
                     "got: 'Email' (a string)", id="bad_type_name"),
        pytest.param({"idr_identifier_types": {"email": {"priority": 1, "normalizer": "upper"}}},
                     "idr_identifier_types.email.normalizer must be one of", id="unknown_normalizer"),
        pytest.param({"idr_blocked_values": ["null", -1]},
                     "idr_blocked_values[1] must be a string, got: -1 (a number). Quote it",
                     id="unquoted_blocked_value"),
        pytest.param({"idr_sources": [{k: v for k, v in CRM.items() if k != "event_id"}]},
                     "is missing required key 'event_id'", id="source_missing_key"),
        pytest.param({"idr_sources": [{**CRM, "relation": "crm contacts"}]},
                     "idr_sources[0] (crm_contacts).relation (part 'crm contacts' of 'crm contacts')"
                     " must be a database, schema or table name", id="source_bad_relation"),
        pytest.param({"idr_sources": [{**CRM, "identifer": {}}]}, "has unknown key 'identifer'",
                     id="source_unknown_key"),
        pytest.param({"idr_sources": [CRM, CRM]}, "name 'crm_contacts' is used twice", id="source_twice"),
        pytest.param({"idr_max_rounds": 0}, "idr_max_rounds must be a whole number >= 1", id="bad_max_rounds"),
        pytest.param({"idr_segment_pages_enabled": "yes"}, "idr_segment_pages_enabled must be true or false",
                     id="non_boolean_switch"),
        pytest.param({"idr_segment_identifiers": {"user_id": ["user_id"], "email": [f"email_{i}" for i in range(62)]}},
                     "identifier slots (user_id__1, email__1,", id="too_many_identifier_slots"),
    ],
)
def test__config__invalid_vars_fail_with_a_clear_message(project, vars, message):
    result = project.dbt("parse", "--no-partial-parse", vars={**SOURCES_VARS, **vars})
    assert not result.success
    assert message in _failure_text(result)


def test__config__a_missing_segment_table_names_the_switch(project):
    result = project.build({**SOURCES_VARS, "idr_segment_screens_enabled": True})
    assert not result.success
    assert "Segment table 'screens' was not found" in _failure_text(result)
    assert "idr_segment_screens_enabled: false" in _failure_text(result)


def test__config__a_missing_declared_column_names_the_source(project):
    sources = [{**CRM, "identifiers": {"email": "email_address"}}]
    result = project.build({**SOURCES_VARS, "idr_sources": sources})
    assert not result.success
    assert "idr_sources (crm_contacts) has no column 'email_address', which is required" in _failure_text(result)


def test__max_rounds__a_loop_that_needs_more_rounds_fails_loudly_and_writes_nothing(project):
    result = project.build({**SOURCES_VARS, "idr_max_rounds": 1})
    assert not result.success
    assert "did not converge within idr_max_rounds = 1" in _failure_text(result)
    assert "int_idr__node_components" not in project.relation_names()
