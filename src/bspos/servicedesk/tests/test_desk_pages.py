"""The technician's desk in the browser (Django test client): pages, actions, permissions, query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bspos.audit.models import AuditEvent
from bspos.clients.models import Client
from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import Role, User
from bspos.servicedesk import services
from bspos.servicedesk.models import Note, Status, Ticket, TimeEntry

STAFF = ["owner", "manager", "tech1", "vcio", "finance"]


@pytest.fixture
def demo(db):
    return load_demo(DemoSize(clients=4, months=1, seed=3, today=date(2026, 11, 20)))


@pytest.fixture
def open_ticket(demo) -> Ticket:
    return Ticket.objects.filter(status=Status.OPEN).select_related("client").first() or services.create_ticket(
        client=Client.objects.filter(status="active").first(), subject="Printer jams on floor 2")


def signed_in(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def staff_pages(ticket: Ticket) -> list[str]:
    return [reverse("servicedesk:dashboard"), reverse("servicedesk:queue"),
            reverse("servicedesk:ticket", args=[ticket.number]), reverse("clients:list"),
            reverse("clients:detail", args=[ticket.client_id]), reverse("assets:list"),
            f"{reverse('servicedesk:pickers')}?client={ticket.client_id}"]


@pytest.mark.parametrize("username", STAFF)
def test_every_staff_role_reads_the_desk_pages(client, open_ticket, username):
    signed_in(client, username)
    for url in staff_pages(open_ticket):
        assert client.get(url).status_code == 200, url


def test_only_roles_that_write_the_desk_get_the_new_ticket_form(client, open_ticket):
    for username, status in [("tech1", 200), ("vcio", 200), ("finance", 403)]:
        assert signed_in(client, username).get(reverse("servicedesk:ticket_new")).status_code == status, username


def test_a_client_contact_meets_404_on_every_staff_page(client, open_ticket):
    contact_user = User.objects.filter(role=Role.CLIENT_CONTACT).first()
    client.force_login(contact_user)
    for url in [*staff_pages(open_ticket), reverse("servicedesk:ticket_new")]:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client, open_ticket):
    for url in staff_pages(open_ticket):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_roles_without_desk_write_cannot_change_tickets(client, open_ticket):
    signed_in(client, "finance")
    response = client.post(reverse("servicedesk:reply", args=[open_ticket.number]), {"body": "hello"})
    assert response.status_code == 403
    assert not Note.objects.filter(ticket=open_ticket, body="hello").exists()


def test_cost_rates_are_shown_to_finance_and_hidden_from_technicians(client, demo):
    ticket = Ticket.objects.filter(time_entries__isnull=False).first()
    cost = str(ticket.time_entries.first().cost_rate)
    url = reverse("servicedesk:ticket", args=[ticket.number])
    assert cost not in signed_in(client, "tech1").get(url).content.decode()
    assert cost in signed_in(client, "finance").get(url).content.decode()


def test_technician_finds_a_ticket_by_a_word_in_its_conversation_replies_logs_time_and_resolves(client, demo):
    client_company = Client.objects.filter(status="active").first()
    ticket = services.create_ticket(client=client_company, subject="Scanner not working")
    services.add_note(ticket, author=User.objects.get(username="tech2"), body="Driver xylophone1234 reinstalled",
                      is_internal=True)
    signed_in(client, "tech1")
    found = client.get(reverse("servicedesk:queue"), {"q": "xylophone1234"})
    assert [t.number for t in found.context["page"]] == [ticket.number]

    url = reverse("servicedesk:ticket", args=[ticket.number])
    response = client.post(reverse("servicedesk:reply", args=[ticket.number]), {
        "kind": "reply", "body": "Looking at it now.", "minutes": "30", "billable": "on", "status": Status.RESOLVED,
        "resolution": "Scanner driver reinstalled."}, follow=True)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.first_response_at is not None
    entry = TimeEntry.objects.get(ticket=ticket)
    assert entry.minutes == 30 and entry.billable and entry.technician.username == "tech1"
    page = client.get(url).content.decode()
    assert "Looking at it now." in page and "Resolved" in page
    assert AuditEvent.objects.filter(object_id=ticket.pk, actor__username="tech1", action="changed").exists()


def test_an_invalid_status_move_is_refused_with_a_message_and_changes_nothing(client, open_ticket):
    signed_in(client, "tech1")
    services.change_status(open_ticket, Status.CLOSED, resolution="Fixed.")
    response = client.post(reverse("servicedesk:status", args=[open_ticket.number]), {"status": Status.RESOLVED},
                           follow=True)
    assert "cannot become resolved" in response.content.decode()
    open_ticket.refresh_from_db()
    assert open_ticket.status == Status.CLOSED


def test_reprioritising_recomputes_the_due_time_and_records_who_did_it(client, open_ticket):
    signed_in(client, "manager")
    due_before = open_ticket.resolution_due
    client.post(reverse("servicedesk:priority", args=[open_ticket.number]), {"impact": "1", "urgency": "1"})
    open_ticket.refresh_from_db()
    assert open_ticket.priority == 1
    assert open_ticket.resolution_due < due_before
    event = AuditEvent.objects.filter(object_id=open_ticket.pk).first()
    assert event.actor.username == "manager" and "priority" in event.changes


def test_escalate_assign_scope_and_asset_actions(client, open_ticket):
    signed_in(client, "manager")
    tier = open_ticket.tier
    if tier < 3:
        client.post(reverse("servicedesk:escalate", args=[open_ticket.number]))
    tech3 = User.objects.get(username="tech7")
    client.post(reverse("servicedesk:assign", args=[open_ticket.number]), {"assignee": tech3.pk, "tier": "3"})
    client.post(reverse("servicedesk:scope", args=[open_ticket.number]))
    asset = open_ticket.client.assets.first()
    client.post(reverse("servicedesk:asset", args=[open_ticket.number]), {"asset": asset.pk})
    open_ticket.refresh_from_db()
    assert open_ticket.assignee == tech3 and open_ticket.tier == 3
    assert open_ticket.in_scope is False and open_ticket.asset == asset
    assert open_ticket.escalation_count >= (1 if tier < 3 else 0)


def test_an_asset_of_another_client_cannot_be_linked(client, open_ticket):
    signed_in(client, "tech1")
    foreign = Client.objects.exclude(pk=open_ticket.client_id).filter(assets__isnull=False).first().assets.first()
    response = client.post(reverse("servicedesk:asset", args=[open_ticket.number]), {"asset": foreign.pk},
                           follow=True)
    assert "Choose one of this client" in response.content.decode()
    open_ticket.refresh_from_db()
    assert open_ticket.asset_id != foreign.pk


def test_timer_start_and_stop_logs_at_least_a_minute(client, open_ticket):
    signed_in(client, "tech1")
    before = TimeEntry.objects.filter(ticket=open_ticket).count()
    client.post(reverse("servicedesk:timer", args=[open_ticket.number]))
    assert "Stop timer" in client.get(reverse("servicedesk:ticket", args=[open_ticket.number])).content.decode()
    client.post(reverse("servicedesk:timer", args=[open_ticket.number]))
    entries = TimeEntry.objects.filter(ticket=open_ticket)
    assert entries.count() == before + 1
    assert entries.order_by("-id").first().minutes >= 1


def test_new_ticket_form_opens_a_ticket_and_bad_input_changes_nothing(client, demo):
    signed_in(client, "tech1")
    company = Client.objects.filter(status="active").first()
    contact = company.contacts.first()
    count = Ticket.objects.count()
    bad = client.post(reverse("servicedesk:ticket_new"), {"client": company.pk, "subject": "", "impact": "9"})
    assert bad.status_code == 400 and Ticket.objects.count() == count
    response = client.post(reverse("servicedesk:ticket_new"), {
        "client": company.pk, "contact": contact.pk, "subject": "VPN down for sales team", "source": "phone",
        "ticket_type": "incident", "impact": "1", "urgency": "2"})
    ticket = Ticket.objects.get(subject="VPN down for sales team")
    assert response.status_code == 302 and response.url == reverse("servicedesk:ticket", args=[ticket.number])
    assert ticket.priority == 2 and ticket.contact == contact and ticket.resolution_due is not None


def test_bulk_assign_and_close(client, demo):
    signed_in(client, "manager")
    tickets = list(Ticket.objects.filter(status__in=[Status.OPEN, Status.NEW]).values_list("pk", flat=True)[:2])
    tech = User.objects.get(username="tech4")
    client.post(reverse("servicedesk:bulk"), {"tickets": tickets, "action": "assign", "assignee": tech.pk})
    assert set(Ticket.objects.filter(pk__in=tickets).values_list("assignee", flat=True)) == {tech.pk}
    Ticket.objects.filter(pk__in=tickets).update(resolution="")
    response = client.post(reverse("servicedesk:bulk"), {"tickets": tickets, "action": "close"}, follow=True)
    assert "a resolution note is needed" in response.content.decode()  # each ticket refused, saying why
    assert Status.CLOSED not in set(Ticket.objects.filter(pk__in=tickets).values_list("status", flat=True))
    client.post(reverse("servicedesk:bulk"), {"tickets": tickets, "action": "close",
                                              "resolution": "Duplicates of #1, closed together."})
    assert set(Ticket.objects.filter(pk__in=tickets).values_list("status", flat=True)) == {Status.CLOSED}
    assert set(Ticket.objects.filter(pk__in=tickets).values_list("resolution", flat=True)) == {
        "Duplicates of #1, closed together."}


def test_queue_filters_by_status_priority_and_sla(client, demo):
    signed_in(client, "tech1")
    page = client.get(reverse("servicedesk:queue"), {"status": "closed", "priority": "4"}).context["page"]
    assert page.paginator.count == Ticket.objects.filter(status="closed", priority=4).count() > 0
    assert all(t.status == "closed" and t.priority == 4 for t in page)
    breached = client.get(reverse("servicedesk:queue"), {"status": "", "sla": "breached"}).context["page"]
    assert all(t.sla_state == "breached" for t in breached)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queue_and_dashboard_query_counts_do_not_grow_with_rows(client, demo):
    signed_in(client, "manager")
    url = reverse("servicedesk:queue") + "?status="
    assert Ticket.objects.filter(priority=3).exists()  # the smaller page still has rows to render
    few = queries_for(client, url + "&priority=3")
    many = queries_for(client, url)
    assert few == many
    company = Client.objects.filter(status="active").first()
    for n in range(30):
        services.create_ticket(client=company, subject=f"Extra {n}")
    assert queries_for(client, url) == many
    dashboard = queries_for(client, reverse("servicedesk:dashboard"))
    services.create_ticket(client=company, subject="One more")
    assert queries_for(client, reverse("servicedesk:dashboard")) == dashboard


def test_filter_options_escape_client_names_and_keep_the_selection(client, demo):
    evil = Client.objects.create(name="<script>alert(1)</script> & Co", status="prospect")
    signed_in(client, "tech1")
    page = client.get(reverse("servicedesk:queue"), {"client": evil.pk}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert f'<option value="{evil.pk}" selected>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</option>' in page
