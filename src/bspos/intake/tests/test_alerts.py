"""Alerts in: both formats, deduplication into one ticket, resolve and re-fire rules, the unassigned queue."""

import json

import pytest

from bspos.intake.models import Alert, AlertSource
from bspos.servicedesk.models import Note, Source, Status, Ticket

AM_URL = "/api/v1/alerts/alertmanager"
URL = "/api/v1/alerts"


def am_body(*alerts, status="firing") -> dict:
    return {"version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "truncatedAlerts": 0, "status": status,
            "receiver": "bspos", "groupLabels": {"alertname": "DiskFull"}, "commonLabels": {"job": "node"},
            "commonAnnotations": {}, "externalURL": "http://am:9093", "alerts": list(alerts)}


def am_alert(fingerprint="a1b2", status="firing", instance="web1:9100", severity="critical") -> dict:
    return {"status": status, "labels": {"alertname": "DiskFull", "instance": instance, "severity": severity},
            "annotations": {"summary": "Disk / is 95% full", "description": "Free space below 5%."},
            "startsAt": "2026-11-25T10:00:00Z",
            "endsAt": "2026-11-25T11:00:00Z" if status == "resolved" else "0001-01-01T00:00:00Z",
            "generatorURL": "http://prom:9090/graph", "fingerprint": fingerprint}


def post(api, url, body):
    return api.post(url, data=json.dumps(body), content_type="application/json")


def test_a_firing_alert_opens_one_ticket_for_the_assets_client_and_repeats_only_count(api, web1):
    first = post(api, AM_URL, am_body(am_alert()))
    assert first.status_code == 200, first.content
    assert first.json()["accepted"][0]["action"] == "opened"
    for _ in range(3):
        again = post(api, AM_URL, am_body(am_alert()))
        assert again.json()["accepted"][0]["action"] == "repeat"
    ticket = Ticket.objects.get()
    assert (ticket.client, ticket.asset, ticket.source, ticket.priority) == (web1.client, web1, Source.ALERT, 1)
    assert "Disk / is 95% full" in ticket.subject and "Free space below 5%." in ticket.description
    alert = Alert.objects.get()
    assert (alert.count, alert.fire_count, alert.ticket) == (4, 1, ticket)
    assert again.json()["accepted"][0]["ticket"] == ticket.number


def test_resolved_adds_a_note_and_resolves_then_a_refire_reopens(api, web1):
    post(api, AM_URL, am_body(am_alert()))
    resolved = post(api, AM_URL, am_body(am_alert(status="resolved"), status="resolved"))
    assert resolved.json()["accepted"][0]["action"] == "resolved"
    ticket = Ticket.objects.get()
    assert ticket.status == Status.RESOLVED
    assert Note.objects.filter(ticket=ticket, is_internal=True, body__startswith="Alert resolved").exists()
    refired = post(api, AM_URL, am_body(am_alert()))
    assert refired.json()["accepted"][0]["action"] == "reopened"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count, Ticket.objects.count()) == (Status.OPEN, 1, 1)
    assert Alert.objects.get().fire_count == 2


def test_a_source_can_open_a_new_ticket_on_refire_and_leave_resolving_to_people(api, source, web1):
    AlertSource.objects.filter(pk=source[0].pk).update(refire=AlertSource.Refire.NEW_TICKET,
                                                       resolve_on_resolved=False)
    post(api, AM_URL, am_body(am_alert()))
    post(api, AM_URL, am_body(am_alert(status="resolved"), status="resolved"))
    first = Ticket.objects.get()
    assert first.status == Status.NEW and first.notes.count() == 1  # noted, not resolved
    first.status = Status.CLOSED
    first.save()
    assert post(api, AM_URL, am_body(am_alert())).json()["accepted"][0]["action"] == "opened"
    assert Ticket.objects.count() == 2 and Alert.objects.get().ticket != first


def test_an_alert_without_a_known_asset_waits_in_the_unassigned_queue(api, db):
    response = post(api, URL, {"key": "cpu-db9", "title": "CPU 100% on db9", "host": "db9", "severity": "warning"})
    assert response.status_code == 200
    assert response.json()["accepted"][0] == {"index": 0, "key": "cpu-db9", "alert_id": Alert.objects.get().pk,
                                              "action": "unassigned", "ticket": None}
    assert Ticket.objects.count() == 0
    assert Alert.objects.get(client__isnull=True).title == "CPU 100% on db9"


def test_the_generic_format_matches_by_rmm_id_and_maps_severity_to_priority(api, web1):
    body = {"alerts": [
        {"source": "tactical", "key": "k1", "device_id": "agent-web1", "title": "Service down", "severity": "warning"},
        {"key": "k2", "host": "WEB1", "title": "Unknown severity", "severity": "purple"}]}
    response = post(api, URL, body)
    assert [a["action"] for a in response.json()["accepted"]] == ["opened", "opened"]
    assert dict(Ticket.objects.values_list("subject", "priority")) == {"[Alert] Service down": 3,
                                                                        "[Alert] Unknown severity": 3}


def test_a_malformed_body_is_refused_with_a_clear_message_and_writes_nothing(api, web1):
    bad = [am_body(am_alert()) | {"version": "3"}, {"alerts": [{"status": "firing"}]}, am_body({"fingerprint": "x"})]
    for body in bad:
        response = post(api, AM_URL, body)
        assert response.status_code == 422, body
        assert response.json()["detail"] == "The request is not valid."
    assert api.post(AM_URL, data="{not json", content_type="application/json").status_code in (400, 422)
    assert post(api, URL, {"alerts": [{"key": "a", "title": "ok"}, {"key": "", "title": "no key"}]}).status_code == 422
    assert Alert.objects.count() == 0 and Ticket.objects.count() == 0


def test_a_batch_says_which_alerts_were_accepted(api, web1):
    body = {"alerts": [{"key": "ok-1", "title": "Fine", "host": "web1"},
                       {"key": "late", "title": "From the past", "time": "2026-11-25T10:00:00+00:00"},
                       {"key": "ok-2", "title": "Also fine", "status": "resolved"}]}
    response = post(api, URL, body)
    assert response.status_code == 200
    assert [(a["index"], a["action"]) for a in response.json()["accepted"]] == [
        (0, "opened"), (1, "unassigned"), (2, "recorded")]


def test_without_the_sources_token_nothing_is_accepted(client, source, web1):
    body = json.dumps(am_body(am_alert()))
    assert client.post(AM_URL, data=body, content_type="application/json").status_code == 401
    wrong = client.post(AM_URL, data=body, content_type="application/json", HTTP_AUTHORIZATION="Bearer bsa_nope")
    assert wrong.status_code == 401
    AlertSource.objects.update(is_active=False)
    off = client.post(AM_URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {source[1]}")
    assert off.status_code == 401
    assert Alert.objects.count() == 0


@pytest.mark.parametrize("severity_map", [{"critical": 9}, {"": 1}, {"warning": "x"}])
def test_a_severity_map_needs_priorities_one_to_four(db, severity_map):
    from django.core.exceptions import ValidationError

    from bspos.intake import services

    with pytest.raises(ValidationError):
        services.create_source(name="Bad map", severity_map=severity_map)
    assert not AlertSource.objects.exists()


def test_a_batch_counts_repeats_together_and_applies_state_changes_in_order(api, web1):
    post(api, URL, {"alerts": [{"key": "a", "title": "A", "host": "web1"}, {"key": "b", "title": "B", "host": "web1"}]})
    body = {"alerts": [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}, {"key": "a", "title": "A"},
                       {"key": "b", "title": "B", "status": "resolved"}, {"key": "b", "title": "B"},
                       {"key": "a", "title": "A"}]}
    response = post(api, URL, body)
    assert [a["action"] for a in response.json()["accepted"]] == [
        "repeat", "repeat", "repeat", "resolved", "reopened", "repeat"]
    a, b = Alert.objects.get(fingerprint="a"), Alert.objects.get(fingerprint="b")
    assert (a.count, a.state, a.fire_count) == (4, "firing", 1)
    assert (b.count, b.state, b.fire_count, b.ticket.status, b.ticket.reopen_count) == (4, "firing", 2, "open", 1)
    assert Ticket.objects.count() == 2
