"""Schemathesis against /api/v1/openapi.json: generated valid and invalid requests never get a 5xx, every status
they get is one the document declares for that operation, and every response matches the documented schema and
content type. Bounded: a few deterministic examples per operation and mode."""

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bspos.api.services import create_token
from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import User
from bspos.wsgi import application

EXAMPLES = 6
CALLS: list[int] = []
CHECKS = [status_code_conformance, response_schema_conformance, content_type_conformance]


def no_server_error(ctx, response, case) -> None:
    CALLS.append(response.status_code)
    if response.status_code >= 500:
        raise AssertionError(f"{case.method} {case.formatted_path} answered {response.status_code}")


@pytest.fixture
def wsgi_in_test_transaction():
    """Like Django's test client: requests must not close the test's database connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_no_generated_request_gets_a_server_error_or_breaks_the_schema(db, wsgi_in_test_transaction):
    CALLS.clear()
    load_demo(DemoSize(clients=2, months=1, seed=31, today=date(2026, 11, 20)))
    _, secret = create_token(user=User.objects.get(username="owner"), name="contract", scope="write")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40  # CRUD for nine resources

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                case.call_and_validate(headers=headers, checks=[no_server_error, *CHECKS])

            check()
    assert len(CALLS) >= 2 * len(operations)  # every operation was exercised in both modes
    assert any(200 <= status < 300 for status in CALLS) and any(status == 422 for status in CALLS)
    assert 400 in CALLS  # a body that is not JSON: declared, like every other refusal


def test_a_client_contact_gets_only_documented_answers(db, wsgi_in_test_transaction):
    """A contact's token: MSP-wide resources answer 404, their own company's tickets work; all as declared."""
    from bspos.clients.tests.factories import ContactFactory
    from bspos.people.models import Role
    from bspos.people.tests.factories import UserFactory
    from bspos.servicedesk.tests.factories import TicketFactory

    ticket = TicketFactory()
    contact = ContactFactory(client=ticket.client, user=UserFactory(role=Role.CLIENT_CONTACT))
    _, secret = create_token(user=contact.user, name="portal script", scope="write")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    answers: set[int] = set()
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=2, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def check(case):
            response = case.call_and_validate(headers={"Authorization": f"Bearer {secret}"},
                                              checks=[no_server_error, *CHECKS])
            answers.add(response.status_code)

        check()
    assert 404 in answers and any(200 <= status < 300 for status in answers)


def test_every_operation_refuses_an_anonymous_caller_with_a_documented_401(db, wsgi_in_test_transaction):
    """No credentials: every operation answers 401 with the Problem body (writes too: no 403 CSRF failure)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    answers: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=1, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def check(case):
            response = case.call_and_validate(checks=[no_server_error, *CHECKS])
            answers[case.operation.label] = response.status_code
            assert response.json()["detail"], case.operation.label

        check()
    assert len(answers) >= 40 and set(answers.values()) == {401}, {k: v for k, v in answers.items() if v != 401}
