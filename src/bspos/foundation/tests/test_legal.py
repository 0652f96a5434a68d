"""Legal documents: the 18-month review flag on its boundary, who signed which version, the SLA's results."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bspos.clients.tests.factories import ClientFactory
from bspos.foundation import selectors, services
from bspos.foundation.models import review_overdue
from bspos.foundation.tests.factories import DocumentFactory, VersionFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.models import Ticket
from bspos.sla.tests.factories import SlaPlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("reviewed", "today", "overdue"), [
    (date(2025, 6, 3), date(2026, 12, 3), False),  # exactly 18 months: still within
    (date(2025, 6, 3), date(2026, 12, 4), True),
    (date(2025, 8, 31), date(2027, 2, 28), False),  # 18 months on from the 31st ends on February's last day
    (date(2025, 8, 31), date(2027, 3, 1), True),
    (None, date(2026, 1, 1), True),  # never reviewed
])
def test_the_review_is_flagged_once_it_is_more_than_18_months_old(reviewed, today, overdue):
    assert review_overdue(reviewed, today) is overdue


def test_clients_on_an_older_version_are_listed_for_migration_at_renewal():
    old = VersionFactory(version="1.0", effective_on=date(2020, 1, 1))
    new = VersionFactory(version="2.0", effective_on=date(2025, 1, 1), document=old.document)
    staying, moved, churned = ClientFactory(name="Stays on 1.0"), ClientFactory(name="Moved"), ClientFactory(
        name="Gone", status="churned", churned_on=date(2025, 1, 1))
    for client in (staying, moved, churned):
        services.record_signature(client=client, version=old, signed_on=date(2020, 2, 1))
    services.record_signature(client=moved, version=new, signed_on=date(2025, 3, 1))
    msa = next(row for row in selectors.legal_overview(date(2026, 12, 3)) if row["kind"] == "msa")
    assert msa["current"] == new
    assert [s.client.name for s in msa["outdated"]] == ["Stays on 1.0"]


def test_a_signature_before_the_version_took_effect_is_refused():
    version = VersionFactory(effective_on=date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.record_signature(client=ClientFactory(), version=version, signed_on=date(2024, 12, 31))


def test_a_version_needs_text_or_a_file():
    with pytest.raises(ValidationError, match="text"):
        services.add_version(document=DocumentFactory(), version="3", effective_on=date(2026, 1, 1))


def test_the_legal_page_flags_an_overdue_review_and_shows_the_sla_results_beside_it(client):
    plan = SlaPlanFactory(name="Gold hours")
    sla = services.save_document(kind="sla", title="Service Level Agreement", sla_plans=[plan])
    VersionFactory(document=sla, reviewed_on=timezone.localdate() - timedelta(days=600))
    now = timezone.now()
    common = {"client": ClientFactory(), "subject": "s", "sla_plan": plan, "created_at": now - timedelta(days=3)}
    Ticket.objects.create(number=1, resolved_at=now - timedelta(days=2), resolution_due=now - timedelta(days=1),
                          **common)
    Ticket.objects.create(number=2, resolved_at=now - timedelta(days=1), resolution_due=now - timedelta(days=2),
                          **common)
    client.force_login(UserFactory(role=Role.SERVICE_MANAGER))
    page = client.get("/foundation/legal/").content.decode()
    assert "Review overdue" in page
    assert "Gold hours" in page and "50.0%" in page  # one of the two resolved on time
