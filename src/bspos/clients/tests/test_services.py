"""The clients app's rules, through its services: active needs a start date, churn never before start, a status
change is announced inside the transaction, every write leaves an audit entry."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from bspos.audit.models import AuditEvent
from bspos.audit.services import history
from bspos.clients import services
from bspos.clients.models import Client, ClientStatus
from bspos.clients.signals import client_status_changed
from bspos.clients.tests.factories import ClientFactory, SiteFactory
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(role="manager")


@pytest.fixture
def announced():
    seen = []

    def receiver(sender, client, previous, status, **kwargs):
        seen.append((client.name, previous, status))

    client_status_changed.connect(receiver)
    yield seen
    client_status_changed.disconnect(receiver)


def test_an_active_client_needs_a_start_date_and_nothing_is_saved(manager):
    with pytest.raises(ValidationError, match="date it became a client"):
        services.create_client(by=manager, name="Acme", status=ClientStatus.ACTIVE)
    assert not Client.objects.exists() and not AuditEvent.objects.exists()


def test_churn_cannot_be_before_the_start(manager):
    client = ClientFactory(client_since=date(2024, 5, 1))
    with pytest.raises(ValidationError, match="cannot be before"):
        services.change_client_status(by=manager, client=client, status=ClientStatus.CHURNED, on=date(2024, 4, 30),
                                      reason="Moved to another MSP")
    client.refresh_from_db()
    assert client.status == ClientStatus.ACTIVE and client.churned_on is None


def test_activating_a_prospect_sets_its_start_date_announces_it_and_is_audited(manager, announced):
    client = services.create_client(by=manager, name="Birch Law")
    assert announced == [("Birch Law", None, ClientStatus.PROSPECT)]
    services.change_client_status(by=manager, client=client, status=ClientStatus.ACTIVE, on=date(2026, 3, 2))
    client.refresh_from_db()
    assert (client.status, client.client_since) == (ClientStatus.ACTIVE, date(2026, 3, 2))
    assert announced[-1] == ("Birch Law", ClientStatus.PROSPECT, ClientStatus.ACTIVE)
    changed, created = history(client)
    assert (created.action, changed.action, changed.actor) == ("created", "changed", manager)
    assert changed.changes["status"] == ["prospect", "active"]
    assert changed.changes["client_since"] == [None, "2026-03-02"]


def test_a_refused_status_change_announces_nothing(manager, announced):
    client = ClientFactory(status=ClientStatus.PROSPECT, client_since=None)
    with pytest.raises(ValidationError):
        services.update_client(by=manager, client=client, status=ClientStatus.CHURNED)
    assert announced == []


def test_an_unchanged_save_writes_no_audit_entry(manager):
    client = services.create_client(by=manager, name="Cedar")
    services.update_client(by=manager, client=client, name="Cedar")
    assert AuditEvent.objects.count() == 1


def test_deleting_a_client_is_audited_with_what_it_was(manager):
    client = ClientFactory(name="Delta")
    services.delete_client(by=manager, client=client)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_repr, event.changes["name"]) == ("deleted", "Delta", ["Delta", None])
    assert not Client.objects.exists()


def test_a_contact_cannot_name_another_clients_site(manager):
    client, other_site = ClientFactory(), SiteFactory()
    with pytest.raises(ValidationError, match="another client"):
        services.create_contact(by=manager, client=client, first_name="Ann", site=other_site)


def test_sites_are_validated_and_audited(manager):
    client = ClientFactory()
    site = services.create_site(by=manager, client=client, name="HQ")
    with pytest.raises(ValidationError):
        services.create_site(by=manager, client=client, name="HQ")  # unique per client
    services.update_site(by=manager, site=site, city="Leeds")
    services.delete_site(by=manager, site=site)
    assert [e.action for e in AuditEvent.objects.order_by("id")] == ["created", "changed", "deleted"]
