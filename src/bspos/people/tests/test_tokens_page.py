from datetime import date

import pytest
from django.urls import reverse

from bspos.api.models import ApiToken
from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import User


@pytest.fixture
def people(db):
    load_demo(DemoSize(clients=2, months=1, seed=41, today=date(2026, 11, 20)))
    return User.objects.get(username="tech1"), User.objects.get(username="tech2")


def test_a_token_created_in_the_ui_is_shown_once_and_works(client, people):
    tech1, _ = people
    client.force_login(tech1)
    page = client.post(reverse("people:tokens"), {"name": "RMM sync", "scope": "write"})
    secret = page.context["secret"]
    assert secret and secret in page.content.decode()
    token = ApiToken.objects.get(user=tech1, name="RMM sync")
    assert token.secret_hash != secret
    assert secret not in client.get(reverse("people:tokens")).content.decode()  # never shown again
    client.logout()
    assert client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_revoking_stops_the_token_and_only_the_owner_can_revoke(client, people):
    tech1, tech2 = people
    client.force_login(tech1)
    client.post(reverse("people:tokens"), {"name": "laptop", "scope": "read"})
    token = ApiToken.objects.get(user=tech1)
    client.force_login(tech2)
    assert client.post(reverse("people:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(tech1)
    client.post(reverse("people:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_needs_a_name(client, people):
    client.force_login(people[0])
    assert client.post(reverse("people:tokens"), {"name": "", "scope": "read"}).status_code == 400
    assert not ApiToken.objects.exists()
