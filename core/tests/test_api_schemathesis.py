"""The API against its own OpenAPI schema, with generated requests (schemathesis + Hypothesis).

Run in-process through the WSGI app, signed in as a carer with a real session and CSRF token,
so writes are exercised too. Two promises are checked for every operation: no server error
(5xx), and every response matches what the schema says it returns. The example count is kept
small so the whole run takes well under a minute.
"""

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES_PER_OPERATION = 8
# Binary uploads are exercised with real photos in families/tests/test_api_notes.py.
SKIPPED = {"/api/v1/people/{person_id}/notes/with-photos"}


@pytest.fixture
def wsgi_app():
    # The test client does the same: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def carer_cookies(personas) -> dict[str, str]:
    client = Client()
    client.force_login(personas.carer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = _get_new_csrf_string()
    return {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: csrf}


def test_no_operation_errors_or_breaks_its_schema(personas, wsgi_app, carer_cookies):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    headers = {"X-CSRFToken": carer_cookies[settings.CSRF_COOKIE_NAME]}
    # Real ids, so generated requests reach past "not found" into the code behind.
    known = {
        "person_id": personas.person.pk,
        "team_id": personas.team.pk,
    }
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), (
            f"the schema has an operation schemathesis cannot read: {result.err()}"
        )
        operations.append(result.ok())
    checked = 0
    for operation in operations:
        if operation.path in SKIPPED:
            continue
        path_parameters = {
            name: value for name, value in known.items() if "{" + name + "}" in operation.path
        }

        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(path_parameters=path_parameters or None))
        def check(case) -> None:
            response = case.call(headers=headers, cookies=carer_cookies)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        check()
        checked += 1
    # Every operation but the skipped ones was tried: a schema that lost its paths fails here.
    assert checked >= 20
