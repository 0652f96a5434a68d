"""The same alert posted by 8 clients at once opens exactly one ticket (SQLite and PostgreSQL)."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client as HttpClient

from bspos.intake.models import Alert
from bspos.servicedesk.models import Ticket


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_posts_of_one_alert_open_exactly_one_ticket(source, web1):
    body = json.dumps({"key": "disk-web1", "title": "Disk full", "host": "web1", "severity": "critical"})
    barrier = threading.Barrier(8)
    answers, errors = [], []

    def send() -> None:
        try:
            http = HttpClient(headers={"Authorization": f"Bearer {source[1]}"})
            barrier.wait(timeout=10)
            answers.append(http.post("/api/v1/alerts", data=body, content_type="application/json").json())
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    actions = sorted(answer["accepted"][0]["action"] for answer in answers)
    assert actions == ["opened"] + ["repeat"] * 7
    assert Ticket.objects.count() == 1
    alert = Alert.objects.get()
    assert (alert.count, alert.ticket) == (8, Ticket.objects.get())
    assert {answer["accepted"][0]["ticket"] for answer in answers} == {alert.ticket.number}
