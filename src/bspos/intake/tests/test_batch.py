"""A batch of alerts: first sightings opened together in bulk, keeping every rule of one alert at a time."""

import json
import random
import threading

import pytest
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from bspos.agreements.tests.factories import AgreementFactory
from bspos.assets.models import Asset, AssetType
from bspos.audit.models import AuditEvent
from bspos.intake import services, webhooks
from bspos.intake.models import Alert, Delivery, Event
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import Status, Ticket

URL = "/api/v1/alerts"


def post(api, alerts: list[dict]):
    return api.post(URL, data=json.dumps({"alerts": alerts}), content_type="application/json")


def alert(key: str, **fields) -> dict:
    return {"key": key, "title": f"Disk full on {key}", "host": "web1", **fields}


def test_repeated_fingerprints_in_one_batch_open_one_ticket_per_fingerprint(api, web1):
    response = post(api, [alert("a"), alert("b"), alert("a"), alert("c"), alert("b"), alert("a")])
    assert response.status_code == 200
    accepted = response.json()["accepted"]
    assert [a["action"] for a in accepted] == ["opened", "opened", "repeat", "opened", "repeat", "repeat"]
    assert Ticket.objects.count() == 3
    counts = dict(Alert.objects.values_list("fingerprint", "count"))
    assert counts == {"a": 3, "b": 2, "c": 1}
    by_key = {a.fingerprint: a.ticket.number for a in Alert.objects.select_related("ticket")}
    assert all(a["ticket"] == by_key[a["key"]] for a in accepted)


def test_a_batch_mixing_new_and_known_fingerprints_applies_each_by_its_rule(api, web1):
    post(api, [alert("known"), alert("cleared")])
    post(api, [alert("cleared", status="resolved")])
    response = post(api, [alert("known"), alert("new-1"), alert("cleared"), alert("nowhere", host="db9"),
                          alert("new-2"), alert("new-2", status="resolved"), alert("late", status="resolved")])
    assert [(a["key"], a["action"]) for a in response.json()["accepted"]] == [
        ("known", "repeat"), ("new-1", "opened"), ("cleared", "reopened"), ("nowhere", "unassigned"),
        ("new-2", "opened"), ("new-2", "resolved"), ("late", "recorded")]
    alerts = {a.fingerprint: a for a in Alert.objects.select_related("ticket")}
    assert alerts["known"].count == 2 and alerts["cleared"].ticket.status == Status.OPEN
    assert alerts["nowhere"].client is None and alerts["nowhere"].ticket is None
    assert alerts["new-2"].ticket.status == Status.RESOLVED and alerts["late"].ticket is None
    assert Ticket.objects.count() == 4  # known, cleared (reopened, not a second), new-1, new-2


def test_one_invalid_alert_is_refused_on_its_own_and_the_rest_are_applied(api, web1):
    # A title of spaces passes the schema but not the rule; a body the schema refuses is 422 and writes nothing
    # (test_alerts.test_a_malformed_body_is_refused_with_a_clear_message_and_writes_nothing).
    response = post(api, [alert("a"), alert("blank", title="   "), alert("b")])
    assert response.status_code == 200
    body = response.json()
    assert [(a["index"], a["action"]) for a in body["accepted"]] == [(0, "opened"), (2, "opened")]
    assert body["rejected"] == [{"index": 1, "key": "blank",
                                 "errors": {"title": ["Each alert needs a title (or an alertname label)."]}}]
    assert set(Alert.objects.values_list("fingerprint", flat=True)) == {"a", "b"}
    only_bad = post(api, [alert("blank", title="  ")])
    assert only_bad.status_code == 422 and only_bad.json()["rejected"][0]["key"] == "blank"


def test_a_batchs_tickets_take_the_next_numbers_in_the_batchs_order(api, acme, web1):
    before = desk.create_ticket(client=acme, subject="Phoned in").number
    response = post(api, [alert("zeta"), alert("alpha"), alert("mu")])
    numbers = [a["ticket"] for a in response.json()["accepted"]]
    assert numbers == [before + 1, before + 2, before + 3]
    assert desk.create_ticket(client=acme, subject="After the batch").number == before + 4


def test_a_batch_gets_the_sla_clocks_audit_and_webhooks_of_single_tickets(api, acme, web1):
    AgreementFactory(client=acme)
    webhooks.create_subscription(name="PSA", url="http://127.0.0.1:9/hook",
                                 events=[Event.TICKET_CREATED, Event.ALERT_RECEIVED])
    post(api, [alert("a", severity="critical"), alert("b"), alert("b"), alert("c", host="db9")])
    single = desk.create_ticket(client=acme, subject="By hand", impact=1, urgency=1)
    tickets = {t.subject: t for t in Ticket.objects.all()}
    critical, medium = tickets["[Alert] Disk full on a"], tickets["[Alert] Disk full on b"]
    assert critical.priority == single.priority == 1 and critical.sla_plan == single.sla_plan is not None
    for ticket in (critical, medium):
        alone = Ticket(sla_plan=ticket.sla_plan, priority=ticket.priority, created_at=ticket.created_at)
        desk.refresh_sla(alone)  # the clocks one ticket at a time would get
        assert [alone.first_response_due, alone.resolution_due, alone.resolution_warning_at] == [
            ticket.first_response_due, ticket.resolution_due, ticket.resolution_warning_at]
    assert medium.resolution_due > critical.resolution_due  # lower priority, longer target
    created = AuditEvent.objects.filter(action="created", object_repr__contains="[Alert]")
    assert created.count() == 2 and created.filter(changes__subject__1="[Alert] Disk full on b").exists()
    events = sorted(Delivery.objects.values_list("event", flat=True))
    assert events == [Event.ALERT_RECEIVED] * 3 + [Event.TICKET_CREATED] * 3  # a, b, c queued; repeats are silent


def test_a_rolled_back_batch_leaves_no_alert_ticket_number_or_delivery(source, acme, web1):
    webhooks.create_subscription(name="PSA", url="http://127.0.0.1:9/hook", events=[Event.TICKET_CREATED])
    with transaction.atomic():
        incoming = [services.Incoming(fingerprint=k, state="firing", title=k, hosts=["web1"]) for k in "abc"]
        services.receive_batch(source=source[0], incoming=incoming)
        assert Ticket.objects.count() == 3 and Delivery.objects.count() == 3
        transaction.set_rollback(True)
    assert (Alert.objects.count(), Ticket.objects.count(), Delivery.objects.count()) == (0, 0, 0)
    assert desk.create_ticket(client=acme, subject="First").number == 1


def test_a_batch_of_new_alerts_costs_the_same_queries_whatever_its_size(source, acme):
    Asset.objects.bulk_create([Asset(client=acme, name=f"host-{i}", asset_type=AssetType.SERVER) for i in range(30)])

    def queries(keys: range) -> int:
        incoming = [services.Incoming(fingerprint=f"k{i}", state="firing", title=f"Alert {i}", hosts=[f"host-{i}"])
                    for i in keys]
        with CaptureQueriesContext(connection) as captured:
            results = services.receive_batch(source=source[0], incoming=incoming)
        assert {r.action for r in results} == {"opened"}
        return len(captured)

    queries(range(0, 1))  # the first ticket ever creates the number sequence's row
    assert queries(range(1, 5)) == queries(range(5, 30))


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_with_overlapping_new_keys_open_one_ticket_per_key(source, web1):
    keys = [f"disk-{i}" for i in range(12)]
    barrier = threading.Barrier(4)
    answers, errors = [], []

    def send(seed: int) -> None:
        try:
            order = random.Random(seed).sample(keys, len(keys))
            http = HttpClient(headers={"Authorization": f"Bearer {source[1]}"})
            barrier.wait(timeout=10)
            answers.append(post(http, [alert(key) for key in order]).json())
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and len(answers) == 4
    actions = [a["action"] for answer in answers for a in answer["accepted"]]
    assert sorted(set(actions)) == ["opened", "repeat"] and actions.count("opened") == len(keys)
    assert Ticket.objects.count() == len(keys)
    assert set(Alert.objects.values_list("count", flat=True)) == {4}
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + len(keys)))  # no number lost to a rolled-back attempt
