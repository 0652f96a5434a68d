"""The API's refusals as docs/api.md states them: anonymous writes meet 401 (not a CSRF failure), a signed-in
session's write without its CSRF token is still refused, a body that is not JSON is 400; always a Problem body."""

import json

import pytest
from django.test import Client as HttpClient

from bspos.clients.models import Client
from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory


@pytest.fixture
def acme(db) -> Client:
    return ClientFactory(name="Acme Dental")


@pytest.mark.parametrize("method, path, body", [
    ("post", "/api/v1/clients", {"name": "Intruder Ltd"}),
    ("post", "/api/v1/tickets", {"client_id": 1, "subject": "x", "impact": 2, "urgency": 2}),
    ("patch", "/api/v1/clients/{acme}", {"name": "Renamed"}),
    ("delete", "/api/v1/clients/{acme}", None),
    ("post", "/api/v1/assets/sync", {"assets": [{"rmm_id": "a1", "hostname": "web1", "client_id": 1}]}),
])
def test_an_anonymous_write_meets_401_with_the_problem_body_and_changes_nothing(acme, method, path, body):
    http = HttpClient(enforce_csrf_checks=True)  # as a browser or script would call it: CSRF is enforced
    url = path.format(acme=acme.pk)
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    response = getattr(http, method)(url, **kwargs)
    assert response.status_code == 401, response.content
    assert response.json()["detail"].startswith("Sign in")
    assert list(Client.objects.values_list("name", flat=True)) == ["Acme Dental"]


def test_a_signed_in_session_write_needs_the_csrf_token(acme):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(UserFactory(role=Role.OWNER))
    refused = http.post("/api/v1/clients", data=json.dumps({"name": "Forged Ltd"}), content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not Client.objects.filter(name="Forged Ltd").exists()
    http.get("/account/tokens/")  # any page with a form sets the CSRF cookie
    token = http.cookies["csrftoken"].value
    accepted = http.post("/api/v1/clients", data=json.dumps({"name": "Real Ltd"}), content_type="application/json",
                         headers={"X-CSRFToken": token})
    assert accepted.status_code == 201 and Client.objects.filter(name="Real Ltd").exists()


def test_a_body_that_is_not_json_is_400_with_a_sentence(acme):
    http = HttpClient()
    http.force_login(UserFactory(role=Role.OWNER))
    response = http.patch(f"/api/v1/clients/{acme.pk}", data="{name: ", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}
    acme.refresh_from_db()
    assert acme.name == "Acme Dental"


def test_the_openapi_document_declares_each_refusal_with_the_problem_body(db):
    document = HttpClient().get("/api/v1/openapi.json").json()
    patch = document["paths"]["/api/v1/clients/{client_id}"]["patch"]["responses"]
    assert {"400", "401", "403", "404", "409", "422"} <= set(map(str, patch))
    assert patch["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    listing = document["paths"]["/api/v1/alerts"]["get"]
    assert "400" not in listing["responses"]  # no body, so no unreadable body
    assert {p["name"] for p in listing["parameters"]} >= {"q", "state", "unassigned", "source", "client", "page"}
