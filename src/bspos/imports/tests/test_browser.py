"""A manager imports clients in a real browser (Debian's chromium): a bad row is shown, the fixed file applies."""

import pytest

from bspos.clients.models import Client
from bspos.people.models import Role, User

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_manager_uploads_sees_the_bad_line_fixes_it_and_applies(browser, live_server, sign_in, tmp_path):
    User.objects.create_user("mia", password="demo", role=Role.SERVICE_MANAGER)
    bad = tmp_path / "clients.csv"
    bad.write_text("name,status,client_since\nAcme Dental,active,2024-01-15\nBirch Law,active,\n")
    page = browser.new_page()
    sign_in(page, "mia")
    page.click("summary:has-text('Clients')")  # the top bar's Clients menu
    page.get_by_role("link", name="Import", exact=True).click()
    page.wait_for_url("**/imports/")
    page.select_option("select[name=kind]", "clients")
    page.set_input_files("input[name=file]", str(bad))
    page.click("text=Check the file")
    page.wait_for_selector("text=nothing was imported")
    row = page.locator("table tbody tr").first
    assert row.locator("td").first.inner_text() == "3" and "client_since" in row.inner_text()
    assert not Client.objects.exists()

    bad.write_text("name,status,client_since\nAcme Dental,active,2024-01-15\nBirch Law,active,2025-03-01\n")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("select[name=kind]", "clients")
    page.set_input_files("input[name=file]", str(bad))
    page.click("text=Check the file")
    page.wait_for_selector("text=Every row passed")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Apply the import")
    page.wait_for_selector("text=Imported 2 rows")
    assert sorted(Client.objects.values_list("name", flat=True)) == ["Acme Dental", "Birch Law"]
