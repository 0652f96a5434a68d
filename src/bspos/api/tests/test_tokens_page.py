"""The account page's API tokens: created in the UI (secret shown once), revoked by their owner only, audited."""

from django.urls import reverse

from bspos.api.models import ApiToken
from bspos.audit.models import AuditEvent
from bspos.people.tests.factories import UserFactory


def test_a_token_created_in_the_ui_is_shown_once_and_works(client, db):
    tech = UserFactory()
    client.force_login(tech)
    assert reverse("api:tokens") == "/account/tokens/"  # the top bar's link to one's own tokens
    page = client.post(reverse("api:tokens"), {"name": "RMM sync", "scope": "write"})
    secret = page.context["secret"]
    assert secret and secret in page.content.decode()
    token = ApiToken.objects.get(user=tech, name="RMM sync")
    assert token.secret_hash != secret and token.can_write
    assert secret not in client.get(reverse("api:tokens")).content.decode()  # never shown again
    client.logout()
    assert client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_revoking_stops_the_token_only_the_owner_can_revoke_and_both_are_audited(client, db):
    tech1, tech2 = UserFactory(), UserFactory()
    client.force_login(tech1)
    secret = client.post(reverse("api:tokens"), {"name": "laptop", "scope": "read"}).context["secret"]
    token = ApiToken.objects.get(user=tech1)
    client.force_login(tech2)
    assert client.post(reverse("api:revoke-token", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(tech1)
    assert client.post(reverse("api:revoke-token", args=[token.pk])).url == reverse("api:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    events = AuditEvent.objects.filter(object_id=token.pk, content_type__model="apitoken").order_by("id")
    assert [(e.action, e.actor) for e in events] == [("created", tech1), ("changed", tech1)]


def test_a_token_needs_a_name_and_a_known_scope(client, db):
    client.force_login(UserFactory())
    assert client.post(reverse("api:tokens"), {"name": "", "scope": "read"}).status_code == 400
    assert client.post(reverse("api:tokens"), {"name": "x", "scope": "admin"}).status_code == 400
    assert client.post(reverse("api:tokens"), {"name": "a\x00b", "scope": "read"}).status_code == 400
    assert not ApiToken.objects.exists()


def test_the_tokens_page_needs_a_sign_in(client, db):
    assert client.get(reverse("api:tokens")).status_code == 302


def test_the_back_office_revokes_tokens_through_the_service(client, db):
    from bspos.api.services import create_token
    from bspos.people.models import Role

    owner = UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True)
    token, _secret = create_token(user=UserFactory(), name="old script", scope="read")
    client.force_login(owner)
    changelist = reverse("admin:api_apitoken_changelist")
    assert b"old script" in client.get(changelist).content
    client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(object_id=token.pk, content_type__model="apitoken", actor=owner).exists()
