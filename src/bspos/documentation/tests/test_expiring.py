"""What expires soon: the 30/60/90-day windows include their last day and today, never yesterday."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bspos.agreements.tests.factories import AgreementFactory
from bspos.assets.tests.factories import AssetFactory
from bspos.documentation.models import Certificate
from bspos.documentation.selectors import expiring
from bspos.documentation.tests.factories import CertificateFactory, DomainFactory, LicenceFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("window", [30, 60, 90])
def test_the_window_includes_its_last_day_and_not_the_day_after(company, tech, window):
    DomainFactory(client=company, name="last.example", expires_on=TODAY + timedelta(days=window))
    DomainFactory(client=company, name="after.example", expires_on=TODAY + timedelta(days=window + 1))
    DomainFactory(client=company, name="today.example", expires_on=TODAY)
    DomainFactory(client=company, name="gone.example", expires_on=TODAY - timedelta(days=1))
    found = expiring(within_days=window, user=tech, today=TODAY)
    assert [item.name for item in found] == ["today.example", "last.example"]
    assert [item.days_left for item in found] == [0, window]


def test_every_kind_is_listed_soonest_first_for_one_client(company, other_company, tech):
    DomainFactory(client=company, name="acme.example", expires_on=TODAY + timedelta(days=20))
    certificate = CertificateFactory(client=company, host="www.acme.example")
    Certificate.objects.filter(pk=certificate.pk).update(not_after=datetime(2026, 12, 5, 9, tzinfo=UTC))
    LicenceFactory(client=company, product="Office", renews_on=TODAY + timedelta(days=10))
    AssetFactory(client=company, name="PC-1", warranty_expires=TODAY + timedelta(days=1))
    AgreementFactory(client=company, name="Managed", start_date=date(2026, 1, 1), end_date=TODAY + timedelta(days=29))
    DomainFactory(client=other_company, name="globex.example", expires_on=TODAY + timedelta(days=5))
    found = expiring(company, within_days=30, user=tech, today=TODAY)
    assert [(item.kind, item.name) for item in found] == [
        ("warranty", "PC-1"), ("certificate", "www.acme.example:443"), ("licence", "Office"),
        ("domain", "acme.example"), ("agreement", "Managed")]
    assert len(expiring(within_days=30, user=tech, today=TODAY)) == 6


def test_a_contact_sees_only_what_is_shared_with_their_company(company, other_company, contact_user):
    DomainFactory(client=company, name="shared.example", expires_on=TODAY, shared_with_client=True)
    DomainFactory(client=company, name="internal.example", expires_on=TODAY)
    DomainFactory(client=other_company, name="theirs.example", expires_on=TODAY, shared_with_client=True)
    assert [item.name for item in expiring(within_days=30, user=contact_user, today=TODAY, kinds=["domain"])] == [
        "shared.example"]


def test_a_retired_or_disposed_assets_warranty_is_not_listed(company, tech):
    AssetFactory(client=company, name="PC-in-use", warranty_expires=TODAY + timedelta(days=3))
    AssetFactory(client=company, name="PC-retired", warranty_expires=TODAY + timedelta(days=3), lifecycle="retired")
    AssetFactory(client=company, name="PC-gone", warranty_expires=TODAY + timedelta(days=3), lifecycle="disposed")
    assert [item.name for item in expiring(within_days=30, user=tech, today=TODAY, kinds=["warranty"])] == [
        "PC-in-use"]
