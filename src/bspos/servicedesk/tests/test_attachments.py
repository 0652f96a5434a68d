"""Files on tickets and replies: limits refused visibly with nothing written, downloads only for who may see them,
internal notes' files never reach contacts, email replies carry the files and the CC, deletes take the bytes."""

import hashlib

import hypothesis.strategies as st
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings

from bspos.audit.models import AuditEvent
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk import attachments, services
from bspos.servicedesk.models import Attachment, Note, Ticket
from bspos.servicedesk.tests.factories import TicketFactory

PDF = b"%PDF-1.4 quarterly report"


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return tmp_path / "attachments"


@pytest.fixture
def ticket(company, contact):
    return TicketFactory(client=company, contact=contact)


def upload(name: str = "report.pdf", content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_a_reply_with_files_shows_them_and_staff_download_them_as_attachments(client, tech, ticket):
    client.force_login(tech)
    response = client.post(reverse("servicedesk:reply", args=[ticket.number]),
                           {"body": "The report you asked for.", "attachments": [upload(), upload("notes.txt", b"hi")]})
    assert response.status_code == 302
    note = Note.objects.get(ticket=ticket)
    report = note.files.get(original_name="report.pdf")
    assert report.size == len(PDF) and report.sha256 == hashlib.sha256(PDF).hexdigest()
    assert report.uploaded_by == tech and report.ticket == ticket
    page = client.get(reverse("servicedesk:ticket", args=[ticket.number])).content.decode()
    assert "report.pdf" in page and "notes.txt" in page
    download = client.get(reverse("servicedesk:attachment", args=[report.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment") and "report.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/octet-stream"


def test_html_is_offered_as_a_download_never_rendered(client, tech, ticket):
    client.force_login(tech)
    item = attachments.attach(ticket, [upload("page.html", b"<script>alert(1)</script>", "text/html")], by=tech)[0]
    download = client.get(reverse("servicedesk:attachment", args=[item.pk]))
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(("name", "content", "says"), [
    ("setup.exe", b"just text", "programs and scripts cannot be attached"),
    ("invoice.pdf", b"MZ\x90\x00\x03 a windows program", "is a program or script"),
    ("photo.jpg", b"\x7fELF\x02\x01 a linux program", "is a program or script"),
    ("readme.txt", b"#!/bin/sh\nrm -rf ~", "is a program or script"),
    ("empty.txt", b"", "empty"),
])
def test_refused_files_are_refused_with_a_visible_message_and_nothing_written(client, tech, ticket, files_dir,
                                                                               name, content, says):
    client.force_login(tech)
    response = client.post(reverse("servicedesk:reply", args=[ticket.number]),
                           {"body": "Here it is", "attachments": [upload(), upload(name, content)]})
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page and "Here it is" in page  # the reply typed is kept
    assert not Note.objects.filter(ticket=ticket).exists() and not Attachment.objects.exists()
    assert stored_files(files_dir) == []


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(client, tech, ticket, settings, files_dir):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(tech)
    response = client.post(reverse("servicedesk:reply", args=[ticket.number]),
                           {"body": "Logs", "attachments": [upload("big.log", b"x" * 1025, "text/plain")]})
    assert response.status_code == 400 and "over the 1.0\xa0KB limit" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(files_dir) == []
    assert attachments.attach(ticket, [upload("fits.log", b"x" * 1024, "text/plain")])[0].size == 1024


@hypothesis_settings(max_examples=30, deadline=None)
@given(size=st.integers(min_value=1, max_value=4096), limit=st.integers(min_value=1, max_value=4096))
def test_check_refuses_exactly_the_files_over_the_limit(size, limit):
    from django.test import override_settings

    with override_settings(ATTACHMENT_MAX_BYTES=limit):
        refused = False
        try:
            attachments.check([upload("data.csv", b"a" * size, "text/csv")])
        except ValidationError:
            refused = True
    assert refused == (size > limit)


def test_too_many_files_at_once_are_refused():
    with pytest.raises(ValidationError, match=f"At most {attachments.MAX_FILES} files"):
        attachments.check([upload(f"{n}.txt", b"x") for n in range(attachments.MAX_FILES + 1)])


def test_a_new_ticket_opened_at_the_desk_keeps_its_files(client, tech, company, files_dir):
    client.force_login(tech)
    response = client.post(reverse("servicedesk:ticket_new"), {
        "client": company.pk, "subject": "Scanner driver", "source": "phone", "ticket_type": "incident",
        "impact": 2, "urgency": 2, "attachments": [upload("driver-error.png", b"\x89PNG...", "image/png")]})
    ticket = Ticket.objects.get(subject="Scanner driver")
    assert response.status_code == 302
    assert ticket.files.get(note=None).original_name == "driver-error.png"
    assert len(stored_files(files_dir)) == 1
    refused = client.post(reverse("servicedesk:ticket_new"), {
        "client": company.pk, "subject": "Second try", "source": "phone", "ticket_type": "incident",
        "impact": 2, "urgency": 2, "attachments": [upload("tool.ps1", b"Get-Item")]})
    assert refused.status_code == 400 and ".ps1 files are refused" in refused.content.decode()
    assert not Ticket.objects.filter(subject="Second try").exists()


def test_internal_note_files_never_reach_the_contact(client, tech, ticket, contact):
    internal = services.add_note(ticket, author=tech, body="Firewall export", is_internal=True)
    secret = attachments.attach(ticket, [upload("firewall.conf", b"password=hunter2", "text/plain")], note=internal)[0]
    public = services.add_note(ticket, author=tech, body="Fixed, see the log.")
    shared = attachments.attach(ticket, [upload("fix.log", b"done", "text/plain")], note=public)[0]
    client.force_login(contact.user)
    page = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "fix.log" in page and "firewall.conf" not in page
    assert client.get(reverse("portal:attachment", args=[secret.pk])).status_code == 404
    assert b"".join(client.get(reverse("portal:attachment", args=[shared.pk])).streaming_content) == b"done"
    assert client.get(reverse("servicedesk:attachment", args=[shared.pk])).status_code == 404  # desk URL: staff


def test_a_contact_of_another_company_gets_404_on_the_download(client, tech, ticket):
    item = attachments.attach(ticket, [upload()], note=services.add_note(ticket, author=tech, body="Report"))[0]
    stranger = ContactFactory(client=ClientFactory(name="Other Co"),
                              user=UserFactory(username="olga", role=Role.CLIENT_CONTACT))
    client.force_login(stranger.user)
    assert client.get(reverse("portal:attachment", args=[item.pk])).status_code == 404
    assert client.get(reverse("portal:ticket", args=[ticket.number])).status_code == 404


def test_the_contact_attaches_files_opening_a_ticket_and_replying(client, contact):
    client.force_login(contact.user)
    client.post(reverse("portal:new"), {"subject": "Broken screen", "description": "See photo",
                                        "attachments": [upload("screen.jpg", b"\xff\xd8\xff photo", "image/jpeg")]})
    ticket = Ticket.objects.get(subject="Broken screen")
    assert ticket.files.get().original_name == "screen.jpg" and ticket.files.get().content_type == "image/jpeg"
    second = upload("screen2.jpg", b"\xff\xd8\xff", "image/jpeg")
    response = client.post(reverse("portal:reply", args=[ticket.number]),
                           {"body": "Another angle", "attachments": [second]})
    assert response.status_code == 302
    assert Note.objects.get(ticket=ticket).files.get().original_name == "screen2.jpg"
    page = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "screen.jpg" in page and "screen2.jpg" in page
    refused = client.post(reverse("portal:reply", args=[ticket.number]),
                          {"body": "A tool", "attachments": [upload("fix.bat", b"del *")]})
    assert refused.status_code == 400 and ".bat files are refused" in refused.content.decode()
    assert Note.objects.filter(ticket=ticket).count() == 1


def test_the_email_reply_carries_the_files_and_the_cc(client, tech, ticket, django_capture_on_commit_callbacks):
    services.change_cc(ticket, ["Boss@Acme-Dental.test", "it@acme-dental.test", "boss@acme-dental.test"], by=tech)
    assert ticket.cc == ["boss@acme-dental.test", "it@acme-dental.test"]
    client.force_login(tech)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("servicedesk:reply", args=[ticket.number]),
                    {"body": "The report.", "attachments": [upload()]})
    sent = mail.outbox[-1]
    assert sent.to == ["alice@acme-dental.test"] and sent.cc == ["boss@acme-dental.test", "it@acme-dental.test"]
    assert sent.attachments == [("report.pdf", PDF, "application/pdf")]


def test_cc_is_edited_on_the_ticket_validated_and_audited(client, tech, ticket):
    client.force_login(tech)
    refused = client.post(reverse("servicedesk:cc", args=[ticket.number]), {"cc": "boss@acme.test, not-an-address"})
    assert refused.status_code == 400 and "Not an email address: not-an-address" in refused.content.decode()
    assert "not-an-address" in refused.content.decode()  # what was typed is still in the field
    ticket.refresh_from_db()
    assert ticket.cc == []
    client.post(reverse("servicedesk:cc", args=[ticket.number]), {"cc": "boss@acme.test;\nit@acme.test"})
    ticket.refresh_from_db()
    assert ticket.cc == ["boss@acme.test", "it@acme.test"]
    event = AuditEvent.objects.filter(object_id=ticket.pk, action="changed").latest("at")
    assert event.changes["cc"] == [[], ["boss@acme.test", "it@acme.test"]] and event.actor == tech


def test_deleting_a_note_or_a_ticket_removes_its_files(tech, ticket, files_dir, django_capture_on_commit_callbacks):
    note = services.add_note(ticket, author=tech, body="Logs")
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attach(ticket, [upload("a.log", b"a", "text/plain")], note=note)
        attachments.attach(ticket, [upload("b.log", b"b", "text/plain")])
    assert len(stored_files(files_dir)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_note(note, by=tech)
    assert len(stored_files(files_dir)) == 1 and Attachment.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_ticket(ticket, by=tech)
    assert stored_files(files_dir) == [] and not Attachment.objects.exists()


def bearer(user) -> dict:
    from bspos.api.services import create_token

    return {"Authorization": f"Bearer {create_token(user=user, name='test', scope='write')[1]}"}


def test_the_api_uploads_lists_and_downloads_a_tickets_files(client, tech, ticket, contact):
    note = services.add_note(ticket, author=tech, body="Logs attached")
    url = f"/api/v1/tickets/{ticket.number}/attachments"
    created = client.post(url, {"attachments": [upload(), upload("b.txt", b"bee", "text/plain")], "note_id": note.pk},
                          headers=bearer(tech))
    assert created.status_code == 201, created.content
    assert [row["name"] for row in created.json()] == ["report.pdf", "b.txt"]
    assert created.json()[0]["note_id"] == note.pk and created.json()[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    listed = client.get(url, headers=bearer(contact.user)).json()
    assert listed["count"] == 2
    download = client.get(f"/api/v1/attachments/{listed['items'][0]['id']}/download", headers=bearer(contact.user))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"


def test_the_api_refuses_a_program_and_stores_nothing(client, tech, ticket, files_dir):
    response = client.post(f"/api/v1/tickets/{ticket.number}/attachments",
                           {"attachments": [upload(), upload("run.sh", b"echo hi")]}, headers=bearer(tech))
    assert response.status_code == 422 and ".sh files are refused" in response.json()["errors"]["attachments"][0]
    assert not Attachment.objects.exists() and stored_files(files_dir) == []
    empty = client.post(f"/api/v1/tickets/{ticket.number}/attachments", {}, headers=bearer(tech))
    assert empty.status_code == 422 and "attachments" in empty.json()["errors"]


def test_the_api_keeps_internal_files_and_other_companies_files_from_a_contact(client, tech, ticket, contact):
    internal = services.add_note(ticket, author=tech, body="Internal", is_internal=True)
    secret = attachments.attach(ticket, [upload("secret.txt", b"s", "text/plain")], note=internal)[0]
    headers = bearer(contact.user)
    assert client.get(f"/api/v1/tickets/{ticket.number}/attachments", headers=headers).json()["count"] == 0
    assert client.get(f"/api/v1/attachments/{secret.pk}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/attachments/{secret.pk}/download", headers=headers).status_code == 404
    refused = client.post(f"/api/v1/tickets/{ticket.number}/attachments",
                          {"attachments": [upload()], "note_id": internal.pk}, headers=headers)
    assert refused.status_code == 422 and not internal.files.exclude(pk=secret.pk).exists()


def test_cc_through_the_api_is_validated(client, tech, ticket):
    url = f"/api/v1/tickets/{ticket.number}"
    bad = client.patch(url, {"cc": ["nope"]}, content_type="application/json", headers=bearer(tech))
    assert bad.status_code == 422 and "nope" in bad.json()["detail"]
    good = client.patch(url, {"cc": ["boss@acme.test"]}, content_type="application/json", headers=bearer(tech))
    assert good.status_code == 200 and good.json()["cc"] == ["boss@acme.test"]
