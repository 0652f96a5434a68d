"""Journey in a real browser: a technician attaches a file to a public reply (a program is refused on the page), the
client's contact downloads it in the portal, and a contact of another company meets 404 on the same link."""

import pytest

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.models import Attachment
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

REPORT = b"%PDF-1.4 backup report for November"


def test_a_file_goes_up_with_a_reply_and_down_in_the_portal_never_to_another_company(
        browser, live_server, sign_in, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    UserFactory(username="tess", role=Role.TECHNICIAN)
    client = ClientFactory(name="Acme Dental")
    alice = ContactFactory(client=client, email="alice@acme-dental.test",
                           user=UserFactory(username="alice", role=Role.CLIENT_CONTACT))
    olga = ContactFactory(client=ClientFactory(name="Other Co"), user=UserFactory(username="olga",
                                                                                  role=Role.CLIENT_CONTACT))
    ticket = TicketFactory(client=client, contact=alice, subject="Backup report please")

    staff = browser.new_page()
    sign_in(staff, "tess", "pw")
    staff.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    staff.fill("textarea[name=body]", "Here is the report.")
    staff.set_input_files("input[name=attachments]", files=[
        {"name": "fix.exe", "mimeType": "application/octet-stream", "buffer": b"MZ a program"}])
    staff.click("button:has-text('Send')")
    staff.wait_for_selector("text=programs and scripts cannot be attached")
    assert staff.input_value("textarea[name=body]") == "Here is the report."  # the reply typed is kept
    assert not Attachment.objects.exists()
    staff.set_input_files("input[name=attachments]", files=[
        {"name": "backup-report.pdf", "mimeType": "application/pdf", "buffer": REPORT}])
    staff.click("button:has-text('Send')")
    staff.wait_for_selector("text=Reply sent.")
    staff.wait_for_selector("a:has-text('backup-report.pdf')")
    item = Attachment.objects.get()

    portal = browser.new_context().new_page()
    sign_in(portal, "alice", "pw")
    portal.goto(f"{live_server.url}/portal/{ticket.number}/")
    with portal.expect_download() as download:
        portal.click("a:has-text('backup-report.pdf')")
    assert download.value.suggested_filename == "backup-report.pdf"
    with open(download.value.path(), "rb") as received:
        assert received.read() == REPORT

    stranger = browser.new_context().new_page()
    sign_in(stranger, olga.user.username, "pw")
    response = stranger.goto(f"{live_server.url}/portal/attachments/{item.pk}/")
    assert response.status == 404
    assert "backup report" not in stranger.content()
