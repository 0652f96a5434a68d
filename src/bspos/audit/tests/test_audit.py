"""The audit trail: a change records who changed which fields from what to what, in the same transaction as the
change, so a change that is rolled back leaves no trace."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from bspos.audit.models import AuditEvent
from bspos.audit.services import history, record, snapshot
from bspos.clients.tests.factories import ClientFactory
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import services
from bspos.servicedesk.models import Status
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_a_change_records_who_and_each_field_before_and_after():
    tess = UserFactory(username="tess")
    ticket = TicketFactory(client=ClientFactory())
    services.change_priority(ticket, impact=1, urgency=1, by=tess)
    event = history(ticket).first()
    assert (event.actor, event.action, event.object_repr) == (tess, AuditEvent.Action.CHANGED, str(ticket))
    assert event.changes["priority"] == [3, 1] and event.changes["impact"] == [2, 1]
    assert "updated_at" not in event.changes and "subject" not in event.changes  # only what changed


def test_creation_and_deletion_are_recorded_with_the_values():
    ticket = TicketFactory(client=ClientFactory(), subject="Printer jams")
    created = history(ticket).get()
    assert created.action == AuditEvent.Action.CREATED and created.changes["subject"] == [None, "Printer jams"]
    pk = ticket.pk
    services.delete_ticket(ticket)
    deleted = AuditEvent.objects.get(object_id=pk, action=AuditEvent.Action.DELETED)
    assert deleted.changes["subject"] == ["Printer jams", None]


def test_no_change_records_nothing():
    ticket = TicketFactory(client=ClientFactory())
    assert record(None, ticket, snapshot(ticket)) is None


def test_a_rolled_back_change_records_nothing():
    ticket = TicketFactory(client=ClientFactory(), subject="Printer jams")
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_ticket(ticket, subject="Renamed", by=UserFactory())
        assert AuditEvent.objects.count() == events + 1  # recorded inside the change's transaction …
        raise RuntimeError("the caller fails after the change")
    assert AuditEvent.objects.count() == events  # … and gone with it
    ticket.refresh_from_db()
    assert ticket.subject == "Printer jams"


def test_a_refused_change_records_nothing():
    ticket = TicketFactory(client=ClientFactory())
    services.change_status(ticket, Status.CLOSED, resolution="Fixed.")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.change_status(ticket, Status.RESOLVED, resolution="Fixed.")
    assert AuditEvent.objects.count() == events
