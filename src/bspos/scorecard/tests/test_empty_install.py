"""A real install starts empty: every money and owner page answers with an empty state, not an error."""

import pytest
from django.urls import reverse

from bspos.people.models import Role, User


@pytest.mark.django_db
def test_money_and_owner_pages_work_on_an_empty_install(client):
    client.force_login(User.objects.create_user("founder", password="x" * 12, role=Role.OWNER))
    for url in [reverse("scorecard:owner"), reverse("scorecard:owner") + "?months=3", reverse("scorecard:funnel"),
                reverse("scorecard:readiness"), reverse("money:invoices"), reverse("money:margins"),
                reverse("money:reconciliation"), reverse("money:settings"), reverse("agreements:list"),
                reverse("catalogue:index"), reverse("money:csv")]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("money:invoices")).content.decode()
    assert "No invoices here yet" in page
    run = client.post(reverse("money:run"), {"month": "2026-10"}, follow=True).content.decode()
    assert "nothing new to bill" in run
