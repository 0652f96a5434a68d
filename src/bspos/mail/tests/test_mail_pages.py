"""The mail pages: staff read them, desk writers triage, client contacts and finance cannot act."""

from django.urls import reverse

from bspos.mail.models import Outcome
from bspos.mail.services import ingest
from bspos.mail.tests.conftest import mail
from bspos.people.models import Role, User
from bspos.servicedesk.models import Ticket


def test_staff_see_the_mail_log_with_filters_and_an_empty_state(client, tech, alice):
    client.force_login(tech)
    empty = client.get(reverse("mail:list")).content.decode()
    assert "bspos fetchmail" in empty
    ingest(mail(subject="Printer jams"))
    ingest(mail(sender="x@unknown.test", subject="Who am I"))
    page = client.get(reverse("mail:list") + "?outcome=triage").content.decode()
    assert "Who am I" in page and "Printer jams" not in page
    found = client.get(reverse("mail:list") + "?q=printer").content.decode()
    assert "Printer jams" in found and "Who am I" not in found


def test_a_technician_assigns_a_triaged_message_to_a_client(client, tech, acme):
    message, _ = ingest(mail(sender="new.person@elsewhere.test", subject="Laptop will not boot"))
    client.force_login(tech)
    assert "Open a ticket for this client" in client.get(reverse("mail:detail", args=[message.pk])).content.decode()
    response = client.post(reverse("mail:triage", args=[message.pk, "assign"]), {"client": acme.pk})
    ticket = Ticket.objects.get(subject="Laptop will not boot")
    assert response.status_code == 302 and ticket.client == acme
    message.refresh_from_db()
    assert message.outcome == Outcome.TICKET


def test_discarding_from_triage_keeps_the_message(client, tech, acme):
    message, _ = ingest(mail(sender="spam@elsewhere.test", subject="Cheap pills"))
    client.force_login(tech)
    client.post(reverse("mail:triage", args=[message.pk, "discard"]))
    message.refresh_from_db()
    assert message.outcome == Outcome.DISCARDED and not Ticket.objects.exists()


def test_roles_without_desk_write_cannot_triage_and_contacts_meet_404(client, acme, alice):
    message, _ = ingest(mail(sender="new.person@elsewhere.test"))
    finance = User.objects.create_user("fin", password="x" * 12, role=Role.FINANCE)
    client.force_login(finance)
    assert client.get(reverse("mail:detail", args=[message.pk])).status_code == 200
    assert client.post(reverse("mail:triage", args=[message.pk, "assign"]), {"client": acme.pk}).status_code == 403
    assert not Ticket.objects.exists()
    contact_user = User.objects.create_user("alice", password="x" * 12, role=Role.CLIENT_CONTACT)
    alice.user = contact_user
    alice.save()
    client.force_login(contact_user)
    for url in [reverse("mail:list"), reverse("mail:detail", args=[message.pk]), reverse("mail:raw", args=[message.pk]),
                reverse("mail:outbound")]:
        assert client.get(url).status_code == 404, url


def test_attachments_download_from_the_message_page(client, tech, alice):
    message, _ = ingest(mail(attachments=[("notes.txt", "text/plain", b"router password is in the safe")]))
    client.force_login(tech)
    page = client.get(reverse("mail:detail", args=[message.pk])).content.decode()
    assert "notes.txt" in page
    attachment = message.attachments.get()
    response = client.get(reverse("mail:attachment", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == b"router password is in the safe"


def test_the_demo_msp_has_sample_mail_to_triage_and_a_quarantined_message(client, db):
    from datetime import date

    from bspos.demo.services import DemoSize, load_demo
    from bspos.mail.demo import load_sample_mail
    from bspos.mail.models import InboundMessage

    load_demo(DemoSize(clients=2, months=1, seed=5, today=date(2026, 11, 20)))
    assert sorted(InboundMessage.objects.values_list("outcome", flat=True)) == \
        sorted([Outcome.TRIAGE, Outcome.AUTO, Outcome.QUARANTINED])
    assert load_sample_mail() == 0  # idempotent
    client.force_login(User.objects.get(username="tech1"))
    assert "Quote for 12 new laptops?" in client.get(reverse("mail:list") + "?outcome=triage").content.decode()
