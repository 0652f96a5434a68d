"""The back office saves articles, problems and playbooks through knowledge.services: a new version and an audit
entry, as on the pages."""

import pytest
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.knowledge.models import ChecklistTemplate
from bspos.knowledge.tests.factories import ArticleFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def back_office(client):
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True))
    return client


def test_an_article_changed_in_the_back_office_keeps_a_version_and_an_audit_entry(back_office):
    article = ArticleFactory(title="Reset the VPN", body="Old text")
    response = back_office.post(reverse("admin:knowledge_article_change", args=[article.pk]), {
        "title": "Reset the VPN", "kind": "sop", "category": "other", "client": "", "body": "New text",
        "owner": "", "review_on": "", "published": "on",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.version, article.body, article.published) == (2, "New text", True)
    assert list(article.versions.values_list("number", flat=True)) == [2, 1]
    assert AuditEvent.objects.filter(object_id=article.pk, action="changed", changes__has_key="body").exists()


def test_a_playbook_and_its_steps_are_saved_with_their_audit(back_office):
    response = back_office.post(reverse("admin:knowledge_checklisttemplate_add"), {
        "name": "Printer install", "kind": "monthly_maintenance", "description": "", "active": "on",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-position": "1",
        "items-0-text": "Unbox it", "items-0-due_after_days": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    template = ChecklistTemplate.objects.get(name="Printer install")
    assert list(template.items.values_list("text", flat=True)) == ["Unbox it"]
    assert AuditEvent.objects.filter(object_repr__in=["Printer install", "Unbox it"], action="created").count() == 2
