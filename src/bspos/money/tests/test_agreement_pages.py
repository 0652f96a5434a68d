"""The agreement list (/agreements/) and its CSV export share one filter; the pricing-guard flag is offered to the
people who set prices only; the edit page saves through the agreements service."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bspos.agreements.models import AgreementKind
from bspos.agreements.tests.factories import AgreementFactory
from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreements():
    cheap = AgreementFactory(client=ClientFactory(name="Acme Ltd"), name="Acme care", kind=AgreementKind.FLAT,
                             unit_price=Decimal("900"), monthly_value=Decimal("300"), sla_plan=None)
    fair = AgreementFactory(client=ClientFactory(name="Beta Ltd"), name="Beta care", kind=AgreementKind.FLAT,
                            unit_price=Decimal("900"), monthly_value=Decimal("9000"), sla_plan=None)
    ended = AgreementFactory(client=ClientFactory(name='=HYPERLINK("http://x","y")'), name="Old care",
                             start_date=date(2020, 1, 1), end_date=date(2021, 1, 1), sla_plan=None)
    return cheap, fair, ended


def exported(client, query: str = "") -> list[dict]:
    response = client.get(reverse("agreements:export") + query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def as_role(client, role: str):
    client.force_login(UserFactory(username=role, role=role))


def test_list_and_export_show_agreements_in_force_today_unless_asked_for_all(client, agreements):
    as_role(client, Role.TECHNICIAN)
    page = client.get(reverse("agreements:list")).content.decode()
    assert "Acme care" in page and "Beta care" in page and "Old care" not in page
    assert f'href="{reverse("agreements:export")}?active=1"' in page  # the export link carries the filters
    assert {row["name"] for row in exported(client)} == {"Acme care", "Beta care"}
    rows = exported(client, "?active=0&q=hyperlink")
    assert [(row["client"], row["end_date"]) for row in rows] == [("'=HYPERLINK(\"http://x\",\"y\")", "2021-01-01")]
    assert list(rows[0]) == ["client", "name", "kind", "package", "unit_price", "quantity", "hourly_rate",
                             "block_hours", "monthly_value", "start_date", "end_date", "term_months", "renewal_date"]


def test_bad_filter_values_are_ignored_with_a_message(client, agreements):
    as_role(client, Role.TECHNICIAN)
    response = client.get(reverse("agreements:list") + "?q=a%00b&client=99999999999999999999999&kind=weekly")
    page = response.content.decode()
    assert response.status_code == 200 and "Some filters were ignored" in page
    assert "Acme care" in page and "Beta care" in page
    assert len(exported(client, "?q=a%00b&client=99999999999999999999999")) == 2


def test_the_guard_flag_is_offered_to_price_setters_only(client, agreements):
    as_role(client, Role.TECHNICIAN)
    page = client.get(reverse("agreements:list") + "?flag=above").content.decode()
    assert "Floor" not in page and 'name="flag"' not in page and "Beta care" in page  # flag ignored
    assert len(exported(client, "?flag=above")) == 2

    as_role(client, Role.FINANCE)
    page = client.get(reverse("agreements:list") + "?flag=above").content.decode()
    assert "Floor" in page and "Acme care" in page and "Beta care" not in page  # 900 > 300 / 3
    assert [row["name"] for row in exported(client, "?flag=above")] == ["Acme care"]


def test_the_edit_page_saves_through_the_service_and_refuses_a_broken_rule(client, agreements):
    cheap, _fair, _ended = agreements
    as_role(client, Role.FINANCE)
    form = {"name": cheap.name, "kind": "flat", "unit_price": "900", "quantity": "1", "hourly_rate": "150",
            "start_date": "2024-01-01", "term_months": "12", "monthly_value": "3000"}
    refused = client.post(reverse("agreements:edit", args=[cheap.pk]), {**form, "end_date": "2023-01-01"})
    assert refused.status_code == 200 and "cannot be before the start date" in refused.content.decode()
    cheap.refresh_from_db()
    assert cheap.end_date is None and not AuditEvent.objects.exists()

    saved = client.post(reverse("agreements:edit", args=[cheap.pk]), form, follow=True)
    assert "Agreement saved." in saved.content.decode() and "within" in saved.content.decode()
    event = AuditEvent.objects.get()
    assert event.changes == {"monthly_value": ["300.00", "3000.00"]} and event.actor.username == Role.FINANCE


def test_a_client_contact_meets_404_on_the_agreement_pages(client, agreements):
    from bspos.clients.tests.factories import ContactFactory

    contact = ContactFactory(client=agreements[0].client)
    user = UserFactory(username="contact", role=Role.CLIENT_CONTACT)
    contact.user = user
    contact.save()
    client.force_login(user)
    for url in (reverse("agreements:list"), reverse("agreements:export"),
                reverse("agreements:edit", args=[agreements[0].pk])):
        assert client.get(url).status_code == 404, url
