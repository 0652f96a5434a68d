"""Two job runs at once create each day's ticket once (SQLite, and PostgreSQL under scripts/with-postgres.sh)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from bspos.recurring import services
from bspos.recurring.models import Occurrence
from bspos.recurring.tests.factories import RecurringTicketFactory
from bspos.servicedesk.models import Ticket


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_job_runs_create_each_occurrence_once():
    templates = [RecurringTicketFactory(days_ahead=3) for _ in range(5)]
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    barrier = threading.Barrier(2)
    created, errors = [], []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            created.append(services.create_due(now=now))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    per_template = 4  # created at midnight, run at 09:00 with three days ahead: 1 to 4 Dec at 08:00
    assert sum(created) == len(templates) * per_template == Occurrence.objects.count() == Ticket.objects.count()
    assert services.create_due(now=now + timedelta(minutes=15)) == 0
