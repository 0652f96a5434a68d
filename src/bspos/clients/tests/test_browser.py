"""A technician edits a client's contact in a real browser (Debian's chromium): a bad email is refused and shown,
then the corrected phone shows on the client page."""

import pytest

from bspos.clients.models import Contact
from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_technician_opens_a_client_and_edits_a_contacts_phone(browser, live_server, sign_in):
    UserFactory(username="tess", role=Role.TECHNICIAN, password="pw")
    acme = ClientFactory(name="Acme Dental")
    contact = ContactFactory(client=acme, first_name="Pat", last_name="Jones", email="pat@acme.test",
                             phone="0113 000 0000")
    page = browser.new_page()
    sign_in(page, "tess", "pw")
    page.click("summary:has-text('Clients')")  # the top bar's Clients menu
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="Acme Dental").click()
    page.wait_for_url(f"**/clients/{acme.pk}/")
    page.get_by_role("link", name="Edit Pat Jones").click()
    page.wait_for_url(f"**/clients/contacts/{contact.pk}/")

    page.fill("input[name=email]", "pat@")
    page.fill("input[name=phone]", "0113 496 0000")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("button:has-text('Save')")
    assert answer.value.status == 400
    page.wait_for_selector("text=Enter a valid email address.")
    assert page.input_value("input[name=phone]") == "0113 496 0000"  # what was typed is still there
    assert Contact.objects.get().email == "pat@acme.test"

    page.fill("input[name=email]", "pat.jones@acme.test")
    page.click("button:has-text('Save')")
    page.wait_for_url(f"**/clients/{acme.pk}/")
    row = page.locator(f"#contact-{contact.pk}")
    row.wait_for()
    assert "0113 496 0000" in row.inner_text() and "pat.jones@acme.test" in row.inner_text()
    assert page.locator("text=Pat Jones saved.").is_visible()
    contact.refresh_from_db()
    assert (contact.phone, contact.email) == ("0113 496 0000", "pat.jones@acme.test")
