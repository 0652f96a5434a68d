"""The grouped top bar: every role sees only links it can open, and the search box."""

import re

import pytest

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import STAFF_ROLES, Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MENU = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)


def _menu_links(client) -> list[str]:
    page = client.get("/account/").content.decode()
    return re.findall(r'href="([^"]+)"', MENU.search(page).group(1))


@pytest.mark.parametrize("role", [*STAFF_ROLES, Role.CLIENT_CONTACT])
def test_every_link_in_the_menu_opens_for_that_role(client, role):
    if role == Role.CLIENT_CONTACT:
        user = ContactFactory(user=UserFactory(role=role)).user
    else:
        user = UserFactory(role=role, is_staff=role in (Role.OWNER, Role.SERVICE_MANAGER))
    client.force_login(user)
    links = _menu_links(client)
    assert links
    refused = {link: client.get(link.replace("&amp;", "&")).status_code for link in links}
    assert {link: status for link, status in refused.items() if status != 200} == {}


def test_groups_follow_the_role():
    from django.test import Client

    def groups(role):
        browser = Client()
        browser.force_login(UserFactory(role=role))
        return re.findall(r"<summary>(\w+)</summary>", browser.get("/account/").content.decode())

    assert groups(Role.OWNER) == ["Desk", "Clients", "Money", "Strategy", "Knowledge", "Admin"]
    assert groups(Role.TECHNICIAN) == ["Desk", "Clients", "Strategy", "Knowledge", "Admin"]


def test_the_top_bar_has_the_search_box_the_favicon_and_the_account(client):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    page = client.get("/account/").content.decode()
    assert '<form class="search" method="get" action="/knowledge/search/" role="search">' in page
    assert '/static/bspos/favicon.svg' in page and 'href="/account/"' in page


def test_the_search_finds_tickets_clients_contacts_and_assets_by_name(client):
    from bspos.assets.tests.factories import AssetFactory
    from bspos.servicedesk.tests.factories import TicketFactory

    contact = ContactFactory(first_name="Harriet", last_name="Lindqvist")
    contact.client.name = "Lindqvist Dental"
    contact.client.save(update_fields=["name"])
    AssetFactory(client=contact.client, name="LINDQVIST-NAS")
    TicketFactory(client=contact.client, subject="Lindqvist backup failed")
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    page = client.get("/knowledge/search/", {"q": "lindqvist"}).content.decode()
    for found in ("Lindqvist Dental", "Harriet Lindqvist", "LINDQVIST-NAS", "Lindqvist backup failed"):
        assert found in page
    only_assets = client.get("/knowledge/search/", {"q": "lindqvist", "kind": "asset"}).content.decode()
    assert "LINDQVIST-NAS" in only_assets and "Lindqvist Dental</a>" not in only_assets


def test_a_contact_never_finds_clients_through_the_box(client):
    mine = ContactFactory(user=UserFactory(role=Role.CLIENT_CONTACT))
    ContactFactory(first_name="Other", last_name="Zebrafield")
    client.force_login(mine.user)
    page = client.get("/knowledge/search/", {"q": "Zebrafield"}).content.decode()
    assert "Zebrafield</a>" not in page
