"""Who is told what, in the app and by email through a real SMTP server (the aiosmtpd sink): one test per event,
the person who caused it never, preferences respected, one email thread per ticket with a link that opens it."""

import pytest
from django.db import transaction
from django.urls import reverse

from bspos.assets.tests.factories import AssetFactory
from bspos.intake import services as intake
from bspos.intake.tests.factories import AlertSourceFactory
from bspos.mail.services import ingest
from bspos.mail.tests.conftest import mail
from bspos.notifications import services
from bspos.notifications.models import Event, Notification
from bspos.notifications.tests.factories import WatcherFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import services as desk
from bspos.servicedesk import signals
from bspos.servicedesk.models import Level, Source, Status, Ticket
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the block and then what waits for its commit (the emails), as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(user, event=None) -> list[str]:
    rows = Notification.objects.filter(recipient=user)
    return list((rows.filter(event=event) if event else rows).values_list("text", flat=True))


def emailed(received, user) -> list:
    return [message for message in received if message["To"] == user.email]


def test_a_ticket_assigned_to_me_tells_me_in_the_app_and_by_email_but_not_the_one_who_assigned_it(
        sink, commit, tech, manager, acme):
    ticket = TicketFactory(client=acme, subject="Scanner offline")
    with commit():
        desk.update_ticket(ticket, assignee=tech, by=manager)
    assert told(tech, Event.ASSIGNED) == [f"#{ticket.number} Scanner offline (Acme Dental) is assigned to you"]
    [email] = emailed(sink, tech)
    assert email["Subject"] == f"[#{ticket.number}] Scanner offline" and email["From"] == "support@msp.test"
    assert f"https://desk.msp.test/desk/tickets/{ticket.number}/" in email.get_payload()
    assert told(manager) == [] and emailed(sink, manager) == []


def test_a_ticket_opened_with_an_assignee_tells_the_assignee(sink, commit, tech, manager, acme):
    with commit():
        ticket = desk.create_ticket(client=acme, subject="New starter laptop", assignee=tech, created_by=manager)
    assert told(tech, Event.ASSIGNED) == [f"#{ticket.number} New starter laptop (Acme Dental) is assigned to you"]
    assert len(emailed(sink, tech)) == 1


def test_escalating_tells_only_a_new_assignee_it_is_theirs(sink, commit, tech, colleague, manager, acme):
    ticket = TicketFactory(client=acme, subject="VPN drops", assignee=tech)
    Notification.objects.all().delete()  # what opening it told
    with commit():
        desk.escalate(ticket, by=manager)  # same hands, one tier up: nobody is newly assigned
    assert told(tech, Event.ASSIGNED) == []
    with commit():
        desk.escalate(ticket, assignee=colleague, by=manager)
    assert told(colleague, Event.ASSIGNED) == [f"#{ticket.number} VPN drops (Acme Dental) is assigned to you"]
    assert told(tech, Event.ASSIGNED) == []


def test_taking_a_ticket_myself_tells_nobody(sink, commit, tech, acme):
    ticket = TicketFactory(client=acme)
    with commit():
        desk.update_ticket(ticket, assignee=tech, by=tech)
    assert Notification.objects.count() == 0 and sink == []


def test_a_client_reply_by_email_tells_the_assignee_in_the_app_and_by_email(sink, commit, tech, alice, acme):
    ticket = TicketFactory(client=acme, contact=alice, subject="Printer jams", assignee=tech)
    with commit():
        ingest(mail(sender="Alice <alice@acme-dental.test>", subject=f"Re: [#{ticket.number}] Printer jams",
                    body="It jams again on floor 2."))
    assert told(tech, Event.REPLIED) == [f"Alice (client) replied on #{ticket.number} Printer jams"]
    [email] = emailed(sink, tech)
    assert f"/desk/tickets/{ticket.number}/" in email.get_payload()
    assert told(alice.user) == []


def test_a_colleagues_public_reply_tells_the_assignee_and_watchers_but_not_the_colleague(
        sink, commit, tech, colleague, manager, acme):
    ticket = TicketFactory(client=acme, subject="VPN drops", assignee=tech)
    WatcherFactory(ticket=ticket, user=manager)
    WatcherFactory(ticket=ticket, user=colleague)
    with commit():
        desk.add_note(ticket, author=colleague, body="Replaced the router config.")
    assert told(tech, Event.REPLIED) == [f"Cole replied on #{ticket.number} VPN drops"]
    assert told(manager, Event.REPLIED) == [f"Cole replied on #{ticket.number} VPN drops (you watch it)"]
    assert told(colleague) == [] and emailed(sink, colleague) == []
    assert len(emailed(sink, tech)) == 1 and len(emailed(sink, manager)) == 1


def test_an_internal_note_is_not_a_reply(sink, commit, tech, colleague, acme):
    ticket = TicketFactory(client=acme, assignee=tech)
    with commit():
        desk.add_note(ticket, author=colleague, body="Checked the logs.", is_internal=True)
    assert told(tech, Event.REPLIED) == [] and sink == []


def test_a_watched_ticket_tells_its_watchers_of_status_priority_and_assignee_changes_in_the_app(
        sink, commit, tech, colleague, manager, acme):
    ticket = TicketFactory(client=acme, subject="Backup failed")
    WatcherFactory(ticket=ticket, user=colleague)
    WatcherFactory(ticket=ticket, user=manager)
    with commit():
        desk.change_status(ticket, Status.OPEN, by=manager)
        desk.change_priority(ticket, impact=Level.HIGH, urgency=Level.HIGH, by=manager)
        desk.update_ticket(ticket, assignee=tech, by=manager)
    assert told(colleague, Event.WATCHED) == [
        f"#{ticket.number} Backup failed: now assigned to Tess",
        f"#{ticket.number} Backup failed: now priority P1 Critical",
        f"#{ticket.number} Backup failed: New → Open"]
    assert told(manager) == []  # the one who made the changes
    assert emailed(sink, colleague) == []  # a watched change is in the app only unless chosen
    assert told(tech, Event.ASSIGNED) and not told(tech, Event.WATCHED)


def test_a_watcher_who_becomes_the_assignee_is_told_once(sink, commit, tech, manager, acme):
    ticket = TicketFactory(client=acme)
    WatcherFactory(ticket=ticket, user=tech)
    with commit():
        desk.update_ticket(ticket, assignee=tech, by=manager)
    assert [event for event in Notification.objects.filter(recipient=tech).values_list("event", flat=True)] == [
        Event.ASSIGNED]


@pytest.mark.parametrize(("signal", "event", "word"), [(signals.sla_at_risk, Event.SLA_AT_RISK, "at risk"),
                                                       (signals.sla_breached, Event.SLA_BREACHED, "breached")])
def test_sla_events_tell_the_assignee_and_every_service_manager(sink, commit, tech, colleague, manager, acme,
                                                                 signal, event, word):
    ticket = TicketFactory(client=acme, subject="Server down", assignee=tech)
    other_manager = UserFactory(username="max", email="max@msp.test", role=Role.SERVICE_MANAGER)
    with commit():
        signal.send(sender=Ticket, ticket=ticket, target="resolution")
    text = f"SLA resolution {word} on #{ticket.number} Server down (Tess)"
    assert told(tech, event) == told(manager, event) == told(other_manager, event) == [text]
    assert {m["To"] for m in sink} == {"tess@msp.test", "mara@msp.test", "max@msp.test"}
    assert told(colleague) == []  # a technician hears only of their own tickets


def test_an_sla_escalation_tells_the_people_the_rule_names(sink, commit, tech, colleague, acme):
    ticket = TicketFactory(client=acme)
    with commit():
        signals.sla_escalated.send(sender=Ticket, ticket=ticket, target="first_response", percent=75,
                                   users=[colleague], text=f"75% of the first response time used on #{ticket.number}")
    assert told(colleague, Event.SLA_ESCALATED) == [f"75% of the first response time used on #{ticket.number}"]
    assert len(emailed(sink, colleague)) == 1 and told(tech) == []


def test_a_mention_in_an_internal_note_tells_that_person_whatever_the_case(sink, commit, tech, colleague, manager,
                                                                           alice, acme):
    ticket = TicketFactory(client=acme, subject="Licence renewal")
    with commit():
        desk.add_note(ticket, author=colleague, is_internal=True,
                      body="@TESS can you renew? cc @mara. Not @cole (me), not @alice (a client), not @nobody.")
    assert told(tech, Event.MENTIONED) == [
        f"Cole mentioned you on #{ticket.number} Licence renewal: @TESS can you renew? cc @mara. Not @cole (me), not "
        f"@alice (a client), not @nobody."]
    assert told(manager, Event.MENTIONED)
    assert told(colleague) == [] and told(alice.user) == []
    assert {m["To"] for m in sink} == {"tess@msp.test", "mara@msp.test"}


def test_a_mention_in_a_public_reply_is_not_a_mention(sink, commit, tech, colleague, acme):
    ticket = TicketFactory(client=acme)
    with commit():
        desk.add_note(ticket, author=colleague, body="Thanks @tess for the help.")
    assert told(tech, Event.MENTIONED) == []


def test_a_critical_alert_ticket_nobody_holds_tells_managers_and_the_technicians_who_opted_in(
        sink, commit, tech, colleague, manager, acme):
    services.set_preferences(colleague, {Event.CRITICAL_ALERT: (True, False)})
    with commit():
        ticket = desk.create_ticket(client=acme, subject="[Alert] NAS01 volume degraded", source=Source.ALERT,
                                    impact=Level.HIGH, urgency=Level.HIGH)
    text = f"An alert opened critical ticket #{ticket.number} for Acme Dental: [Alert] NAS01 volume degraded"
    assert told(manager, Event.CRITICAL_ALERT) == told(colleague, Event.CRITICAL_ALERT) == [text]
    assert told(tech) == []  # not opted in
    assert {m["To"] for m in sink} == {"mara@msp.test"}  # the colleague chose the app only


def test_a_critical_alert_from_monitoring_reaches_the_managers(sink, commit, manager, acme):
    AssetFactory(client=acme, name="nas01")
    with commit():
        intake.receive_alert(source=AlertSourceFactory(), incoming=intake.Incoming(
            fingerprint="nas01-volume", state="firing", title="NAS01 volume degraded", hosts=["nas01"],
            severity="critical"))
    ticket = Ticket.objects.get()
    assert told(manager, Event.CRITICAL_ALERT) == [
        f"An alert opened critical ticket #{ticket.number} for Acme Dental: {ticket.subject}"]
    assert [m["To"] for m in sink] == ["mara@msp.test"]


def test_a_critical_alert_ticket_with_an_assignee_tells_only_the_assignee_once(sink, commit, tech, manager, acme):
    services.set_preferences(tech, {Event.CRITICAL_ALERT: (True, True)})
    with commit():
        desk.create_ticket(client=acme, subject="[Alert] Firewall down", source=Source.ALERT, assignee=tech,
                           impact=Level.HIGH, urgency=Level.HIGH)
    assert list(Notification.objects.values_list("recipient__username", "event")) == [
        ("tess", Event.CRITICAL_ALERT)]
    assert len(sink) == 1


def test_a_lower_priority_alert_ticket_is_no_critical_alert(sink, commit, manager, acme):
    with commit():
        desk.create_ticket(client=acme, subject="[Alert] Disk 80%", source=Source.ALERT)
    assert told(manager) == []


def test_preferences_off_mean_nothing_and_email_off_means_the_app_only(sink, commit, tech, colleague, manager, acme):
    services.set_preferences(tech, {Event.ASSIGNED: (False, False)})
    services.set_preferences(colleague, {Event.ASSIGNED: (True, False)})
    with commit():
        desk.update_ticket(TicketFactory(client=acme), assignee=tech, by=manager)
        desk.update_ticket(TicketFactory(client=acme), assignee=colleague, by=manager)
    assert told(tech) == [] and emailed(sink, tech) == []
    assert len(told(colleague)) == 1 and emailed(sink, colleague) == []


def test_a_watched_change_by_email_when_chosen(sink, commit, colleague, manager, acme):
    services.set_preferences(colleague, {Event.WATCHED: (False, True)})
    ticket = TicketFactory(client=acme)
    WatcherFactory(ticket=ticket, user=colleague)
    with commit():
        desk.change_status(ticket, Status.OPEN, by=manager)
    assert told(colleague) == [] and len(emailed(sink, colleague)) == 1


def test_a_ticket_s_emails_share_one_thread_and_their_link_opens_the_ticket(sink, commit, client, tech, manager,
                                                                              alice, acme):
    ticket = TicketFactory(client=acme, contact=alice, subject="Scanner offline")
    other = TicketFactory(client=acme, subject="Other")
    with commit():
        desk.update_ticket(ticket, assignee=tech, by=manager)
        desk.add_note(ticket, author=alice.user, body="Still offline.")
        desk.update_ticket(other, assignee=tech, by=manager)
    first, second, third = emailed(sink, tech)
    assert first["In-Reply-To"] == second["In-Reply-To"] == first["References"] == second["References"]
    assert first["Message-ID"] != second["Message-ID"]
    assert third["In-Reply-To"] != first["In-Reply-To"]  # another ticket, another thread
    assert first["Subject"] == second["Subject"] == f"[#{ticket.number}] Scanner offline"
    link = next(line for line in second.get_payload().splitlines() if line.startswith("Open the ticket: "))
    path = link.removeprefix("Open the ticket: https://desk.msp.test")
    client.force_login(tech)
    assert client.get(path).status_code == 200 and b"Scanner offline" in client.get(path).content


def test_nothing_is_emailed_when_the_change_rolls_back(sink, commit, tech, manager, acme):
    ticket = TicketFactory(client=acme)
    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        desk.update_ticket(ticket, assignee=tech, by=manager)
        raise RuntimeError("the request failed after the change")
    assert Notification.objects.count() == 0 and sink == []


def test_a_mail_server_that_is_down_loses_neither_the_change_nor_the_in_app_notification(
        settings, commit, tech, manager, acme):
    from bspos.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    ticket = TicketFactory(client=acme)
    with commit():
        desk.update_ticket(ticket, assignee=tech, by=manager)
    ticket.refresh_from_db()
    assert ticket.assignee == tech and len(told(tech)) == 1


def test_a_client_contact_and_an_inactive_login_are_never_told(sink, commit, tech, alice, acme):
    tech.is_active = False
    tech.save()
    ticket = TicketFactory(client=acme)
    with commit():
        services.notify(event=Event.ASSIGNED, ticket=ticket, recipients=[tech, alice.user], text="x")
    assert Notification.objects.count() == 0 and sink == []


def test_the_bell_link_of_the_email_goes_to_the_preferences_page(sink, commit, tech, manager, acme):
    with commit():
        desk.update_ticket(TicketFactory(client=acme), assignee=tech, by=manager)
    assert f"https://desk.msp.test{reverse('notifications:preferences')}" in sink[0].get_payload()
