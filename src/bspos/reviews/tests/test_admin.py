"""The back office writes reviews' rows through the services: notes and refresh policies are audited, reviews are
neither added nor deleted there."""

from decimal import Decimal

import pytest
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.reviews.models import MonthlySummary, PlanSettings, RefreshPolicy, Review
from bspos.reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def back_office(client):
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True))
    return client


def test_notes_saved_in_the_back_office_go_through_the_service(back_office):
    review = ReviewFactory()
    response = back_office.post(reverse("admin:reviews_review_change", args=[review.pk]), {
        "business_goals": "  Open a second office  ", "business_challenges": "", "observations": "", "location": "",
        "recommendations-TOTAL_FORMS": "0", "recommendations-INITIAL_FORMS": "0",
        "next_steps-TOTAL_FORMS": "0", "next_steps-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.business_goals == "Open a second office" and review.status == "planned"  # stripped by the service
    assert AuditEvent.objects.filter(object_id=review.pk, changes__has_key="business_goals").exists()
    assert back_office.get(reverse("admin:reviews_review_add")).status_code == 403
    assert back_office.post(reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}).status_code \
        == 403
    assert Review.objects.filter(pk=review.pk).exists()


def test_a_refresh_policy_is_changed_and_deleted_with_its_audit(back_office):
    policy = RefreshPolicy.objects.get(asset_type="laptop", client=None)  # a default from the data migration
    back_office.post(reverse("admin:reviews_refreshpolicy_change", args=[policy.pk]), {
        "asset_type": "laptop", "max_age_months": "36", "replacement_value": "1750.00"})
    policy.refresh_from_db()
    assert (policy.max_age_months, policy.replacement_value) == (36, Decimal("1750.00"))
    back_office.post(reverse("admin:reviews_refreshpolicy_delete", args=[policy.pk]), {"post": "yes"})
    assert not RefreshPolicy.objects.filter(pk=policy.pk).exists()
    assert list(AuditEvent.objects.filter(object_id=policy.pk, object_repr__startswith="Laptop").values_list(
        "action", flat=True).order_by("at")) == ["changed", "deleted"]


def test_plan_settings_saved_in_the_back_office_are_audited_and_summaries_are_read_only(back_office):
    company = ClientFactory()
    response = back_office.post(reverse("admin:reviews_plansettings_add"), {
        "client": company.pk, "renewal_increase": "3.5", "monthly_summary": "on"})
    assert response.status_code == 302
    settings = PlanSettings.objects.get(client=company)
    assert settings.renewal_increase == Decimal("3.50") and settings.monthly_summary
    assert AuditEvent.objects.filter(object_id=str(settings.pk), action="created").exists()
    assert back_office.get(reverse("admin:reviews_monthlysummary_add")).status_code == 403
    assert back_office.get(reverse("admin:reviews_monthlysummary_changelist")).status_code == 200
    assert not MonthlySummary.objects.exists()
