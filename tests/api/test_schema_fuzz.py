"""Schemathesis over the whole published OpenAPI schema, as a user of each role.

Every operation of `/api/schema/` is called with generated parameters through the WSGI
application itself. The application runs in the test's thread, so the test's transaction (and
the `world` in it) is what it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from lianfang.core.accounts.models import User
from lianfang.wsgi import application
from tests.world import World

EXAMPLES_PER_OPERATION = 25
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,  # nothing written under the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance)
# A page size past a 64-bit integer once reached the database and failed there (500).
PAST_INT64 = 2**63

Answers = dict[str, set[int]]
Credentials = Callable[[], dict[str, Any]]
Check = Callable[[Any, Any], None]


@pytest.fixture
def schema(world: World) -> schemathesis.BaseSchema:
    # The schema is served to signed-in users only.
    _, token = AuthToken.objects.create(user=world["commander"])
    return schemathesis.from_wsgi("/api/schema/", application, headers={"Authorization": f"Token {token}"})


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # The WSGI handler closes "old" connections around each request, which would end the test's
    # transaction on PostgreSQL; Django's own test client switches this off in the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def token_for(user: User) -> Credentials:
    # A new token for every call: one operation revokes the token it is called with.
    def credentials() -> dict[str, Any]:
        _, token = AuthToken.objects.create(user)
        return {"headers": {"Authorization": f"Token {token}"}}

    return credentials


def session_for(user: User) -> Credentials:
    # Signed in with the password only: no second factor passed in this session.
    client = Client()
    client.force_login(user)
    session_key = client.cookies["sessionid"].value
    return lambda: {"cookies": {"sessionid": session_key}}


def fuzz(schema: schemathesis.BaseSchema, credentials: Credentials, check: Check) -> Answers:
    """Call every operation with generated cases; return the status codes each one answered."""
    answers: Answers = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        answers[operation.verbose_name] = fuzz_operation(operation, credentials, check)
    return answers


def fuzz_operation(operation: Any, credentials: Credentials, check: Check) -> set[int]:
    seen: set[int] = set()

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy())
    def call(case: schemathesis.Case) -> None:
        response = case.call_wsgi(app=application, **credentials())
        seen.add(response.status_code)
        check(case, response)

    call()
    return seen


def conforms(case: schemathesis.Case, response: Any) -> None:
    case.validate_response(response, checks=CHECKS)


def refuses_with_json_403(case: schemathesis.Case, response: Any) -> None:
    case.validate_response(response, checks=(not_a_server_error,))
    assert response.status_code == 403, f"{case.operation.verbose_name} answered {response.status_code}"
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json
    assert isinstance(body["message"], str) and body["message"]
    assert body["fields"] == {}


def fuzz_as_a_role_that_works(schema: schemathesis.BaseSchema, user: User) -> None:
    answers = fuzz(schema, token_for(user), conforms)

    assert 200 in answers["GET /api/v1/me/"]
    answered_2xx = {name for name, codes in answers.items() if any(200 <= code < 300 for code in codes)}
    assert {"GET /api/v1/regions/", "GET /api/v1/departments/", "GET /api/v1/figures/"} <= answered_2xx, answers


def test_no_operation_answers_a_server_error_for_the_district_commander(schema, world) -> None:
    fuzz_as_a_role_that_works(schema, world["commander"])


def test_no_operation_answers_a_server_error_for_market_regulation_staff(schema, world) -> None:
    fuzz_as_a_role_that_works(schema, world["market"])


def test_no_operation_answers_a_server_error_for_subdistrict_staff(schema, world) -> None:
    fuzz_as_a_role_that_works(schema, world["jiyuan"])


def test_no_operation_answers_a_server_error_for_a_field_worker(schema, world) -> None:
    fuzz_as_a_role_that_works(schema, world["worker"])


def test_every_operation_refuses_an_auditor_without_a_second_factor_with_json(schema, world) -> None:
    fuzz(schema, session_for(world["auditor"]), refuses_with_json_403)


def test_every_operation_refuses_an_administrator_without_a_second_factor_with_json(schema, world) -> None:
    fuzz(schema, session_for(world["admin"]), refuses_with_json_403)


@pytest.mark.parametrize("username", ["auditor", "admin"])
def test_an_api_token_does_not_stand_in_for_a_missing_second_factor(schema, world, username) -> None:
    # A token made before the account gained such a role (or by any other path) must not open the API.
    fuzz(schema, token_for(world[username]), refuses_with_json_403)


@pytest.mark.parametrize("path", ["/api/v1/regions/", "/api/v1/departments/"])
def test_a_page_size_past_a_64_bit_integer_is_not_a_server_error(world, path) -> None:
    _, token = AuthToken.objects.create(world["commander"])
    client = Client(raise_request_exception=False)

    response = client.get(path, {"limit": str(PAST_INT64)}, headers={"Authorization": f"Token {token}"})

    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
