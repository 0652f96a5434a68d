"""The intake lists filter through one FilterSet each: the page and GET /api/v1/alerts agree, a bad value is a
message on the page and a 422 in the API, never a 500; writes the pages and back office make go through services."""

import pytest
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory
from bspos.intake.models import Alert, AlertSource, Delivery, Subscription
from bspos.intake.tests.factories import AlertFactory, AlertSourceFactory, DeliveryFactory, SubscriptionFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory


@pytest.fixture
def alerts(db):
    acme = ClientFactory(name="Acme Dental")
    prom, rmm = AlertSourceFactory(name="Prometheus"), AlertSourceFactory(name="Tactical RMM")
    return {
        "acme": acme, "prom": prom, "rmm": rmm,
        "cpu": AlertFactory(source=prom, title="CPU 100% on web1", client=acme),
        "disk": AlertFactory(source=rmm, title="Disk full on db9", state=Alert.State.RESOLVED),
        "ups": AlertFactory(source=rmm, title="UPS on battery", host="ups1"),
    }


def titles(response) -> set[str]:
    return {alert.title for alert in response.context["page"]}


@pytest.fixture
def staff(client, db):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    return client


def test_the_alerts_page_filters_by_queue_state_source_client_and_search(staff, alerts):
    page = reverse("intake:alerts")
    assert titles(staff.get(page)) == {"CPU 100% on web1", "Disk full on db9", "UPS on battery"}
    queue = staff.get(page, {"unassigned": "true"})
    assert titles(queue) == {"Disk full on db9", "UPS on battery"} and b"<h1>Unassigned alerts</h1>" in queue.content
    assert titles(staff.get(page, {"unassigned": "false"})) == {"CPU 100% on web1"}
    assert titles(staff.get(page, {"state": "resolved"})) == {"Disk full on db9"}
    assert titles(staff.get(page, {"source": alerts["rmm"].pk, "state": "firing"})) == {"UPS on battery"}
    assert titles(staff.get(page, {"client": alerts["acme"].pk})) == {"CPU 100% on web1"}
    assert titles(staff.get(page, {"q": "acme"})) == {"CPU 100% on web1"}  # the client's name is searched too
    assert titles(staff.get(page, {"q": "ups1"})) == {"UPS on battery"}
    rendered = staff.get(page, {"state": "resolved"}).content.decode()
    assert '<option value="resolved" selected>' in rendered  # the form is the FilterSet's, kept filled in


@pytest.mark.parametrize("params", [{"source": "99999999999999999999999"}, {"client": "abc"}, {"q": "a\x00b"},
                                    {"state": "exploding"}, {"unassigned": "maybe"}, {"page": "99999999999"}])
def test_a_bad_filter_value_is_ignored_with_a_message(staff, alerts, params):
    response = staff.get(reverse("intake:alerts"), params)
    assert response.status_code == 200
    if "page" not in params:
        assert b"Some filters were ignored" in response.content
        assert len(titles(response)) == 3


def test_the_api_lists_alerts_with_the_pages_filters_and_refuses_bad_values(staff, alerts):
    def numbers(**params):
        response = staff.get("/api/v1/alerts", params)
        assert response.status_code == 200, response.content
        return {item["title"] for item in response.json()["items"]}

    assert numbers(unassigned="true") == {"Disk full on db9", "UPS on battery"}
    assert numbers(source=alerts["prom"].pk) == {"CPU 100% on web1"}
    assert numbers(client=alerts["acme"].pk, state="firing") == {"CPU 100% on web1"}
    assert numbers(q="battery") == {"UPS on battery"}
    for name, value in [("source", "99999999999999999999999"), ("client", "x"), ("state", "loud"), ("q", "a\x00")]:
        refused = staff.get("/api/v1/alerts", {name: value})
        assert refused.status_code == 422 and name in refused.json()["errors"], (name, refused.content)


def test_the_sources_page_filters_by_kind_and_enabled_and_search(staff, alerts):
    page = reverse("intake:sources")
    AlertSourceFactory(name="Scripts", kind=AlertSource.Kind.GENERIC)
    AlertSource.objects.filter(name="Prometheus").update(is_active=False)

    def names(**params):
        return {source.name for source in staff.get(page, params).context["sources"]}

    assert names() == {"Prometheus", "Tactical RMM", "Scripts"}
    assert names(kind="generic") == {"Scripts"}
    assert names(is_active="false") == {"Prometheus"}
    assert names(q="tact") == {"Tactical RMM"}
    assert b"No sources match" in staff.get(page, {"q": "nothing like it"}).content


def test_the_delivery_log_filters_by_state_event_subscription_and_search(staff, db):
    chat, crm = SubscriptionFactory(name="Chat"), SubscriptionFactory(name="CRM")
    pending = DeliveryFactory(subscription=chat)
    failed = DeliveryFactory(subscription=crm, state=Delivery.State.FAILED, attempts=8, last_error="HTTP 500 boom")
    page = reverse("intake:webhooks")

    def ids(**params):
        return {delivery.pk for delivery in staff.get(page, params).context["page"]}

    assert ids() == {pending.pk, failed.pk}
    assert ids(state="failed") == {failed.pk}
    assert ids(subscription=chat.pk) == {pending.pk}
    assert ids(q="boom") == {failed.pk}
    assert ids(event="invoice.issued") == set()
    assert ids(subscription="1e99") == {pending.pk, failed.pk}  # ignored, with the reason shown


def test_assigning_with_a_junk_client_id_is_a_message_and_changes_nothing(client, alerts):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    ups = alerts["ups"]
    for junk in ["abc", "99999999999999999999999", "", "-1"]:
        response = client.post(reverse("intake:assign", args=[ups.pk]), {"client": junk}, follow=True)
        assert response.status_code == 200 and b"Choose the client the alert belongs to" in response.content
    ups.refresh_from_db()
    assert ups.client_id is None and ups.ticket_id is None


def test_a_new_source_with_a_bad_priority_is_refused_with_a_message(client, db):
    client.force_login(UserFactory(role=Role.SERVICE_MANAGER))
    response = client.post(reverse("intake:source-new"), {"name": "Bad", "kind": "generic", "refire": "reopen",
                                                          "default_priority": "nine"})
    assert response.status_code == 422 and "Priority must be 1 to 4" in response.content.decode()
    assert 'value="Bad"' in response.content.decode()  # what was typed stays in the form
    assert not AlertSource.objects.exists()


def test_source_changes_are_audited_and_a_source_with_alerts_cannot_be_deleted(client, alerts):
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    client.force_login(manager)
    prom = alerts["prom"]
    client.post(reverse("intake:source-action", args=[prom.pk, "disable"]))
    client.post(reverse("intake:source-action", args=[prom.pk, "rotate"]))
    changes = [set(e.changes) for e in AuditEvent.objects.filter(content_type__model="alertsource", object_id=prom.pk,
                                                                 actor=manager).order_by("id")]
    assert changes == [{"is_active"}, {"token_prefix", "token_hash"}]
    from bspos.intake import services

    with pytest.raises(Exception, match="disable it instead"):
        services.delete_source(source=prom, by=manager)
    assert AlertSource.objects.filter(pk=prom.pk).exists()


def test_deleting_a_subscription_from_the_page_removes_its_log(client, db):
    client.force_login(UserFactory(role=Role.OWNER))
    delivery = DeliveryFactory()
    client.post(reverse("intake:subscription-action", args=[delivery.subscription_id, "delete"]))
    assert not Subscription.objects.exists() and not Delivery.objects.exists()


@pytest.fixture
def back_office(client, db):
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True))
    return client


def test_the_back_office_changes_sources_through_the_service(back_office, alerts):
    prom = alerts["prom"]
    url = reverse("admin:intake_alertsource_change", args=[prom.pk])
    form = {"name": "Prometheus prod", "kind": "alertmanager", "severity_map": '{"critical": 1}',
            "default_priority": "3", "refire": "reopen", "is_active": "on", "resolve_on_resolved": "on"}
    assert back_office.post(url, form).status_code == 302
    prom.refresh_from_db()
    assert (prom.name, prom.severity_map) == ("Prometheus prod", {"critical": 1})
    assert AuditEvent.objects.filter(content_type__model="alertsource", object_id=prom.pk, action="changed").exists()
    refused = back_office.post(url, {**form, "severity_map": '{"critical": 9}'})
    assert refused.status_code == 200 and "priority 1 to 4" in refused.content.decode()
    assert back_office.get(reverse("admin:intake_alertsource_add")).status_code == 403  # tokens: the page
    assert back_office.get(reverse("admin:intake_alert_change", args=[alerts["ups"].pk])).status_code == 200
    assert back_office.post(reverse("admin:intake_alert_change", args=[alerts["ups"].pk]),
                            {"title": "x"}).status_code == 403  # read only


def test_the_back_office_creates_subscriptions_through_the_service_and_resends_deliveries(back_office, db):
    add = reverse("admin:intake_subscription_add")
    refused = back_office.post(add, {"name": "Chat", "url": "https://hooks.example.org/x", "events": '["nope"]'})
    assert refused.status_code == 200 and "Choose one or more of" in refused.content.decode()
    assert back_office.post(add, {"name": "Chat", "url": "https://hooks.example.org/x",
                                  "events": '["ticket.created"]', "is_active": "on"}).status_code == 302
    subscription = Subscription.objects.get()
    assert len(subscription.secret) >= 32  # made by the service
    failed = DeliveryFactory(subscription=subscription, state=Delivery.State.FAILED, attempts=8)
    back_office.post(reverse("admin:intake_delivery_changelist"),
                     {"action": "send_again", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.state == Delivery.State.PENDING


@pytest.mark.parametrize("name", ["intake:alerts", "intake:webhooks", "intake:sources"])
def test_the_lists_make_as_many_queries_for_30_rows_as_for_3(staff, db, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(reverse(name)).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            AlertFactory(client=ClientFactory(), ticket=None)
            AlertFactory()
            DeliveryFactory()

    add(3)
    few = queries()
    add(27)
    assert queries() == few
