"""CSV export from the list pages: the page's filters apply, clients round-trip through import, staff only."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from bspos.clients.models import Client
from bspos.demo.services import DemoSize, load_demo
from bspos.imports.services import run_import
from bspos.people.models import Role, User
from bspos.servicedesk.models import Ticket


@pytest.fixture
def demo(db):
    return load_demo(DemoSize(clients=4, months=1, seed=3, today=date(2026, 11, 20)))


def rows(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_every_list_page_links_to_its_export_with_the_filters(client, demo):
    client.force_login(User.objects.get(username="manager"))
    for page, kind in [("servicedesk:queue", "tickets"), ("clients:list", "clients"), ("assets:list", "assets"),
                       ("agreements:list", "agreements")]:
        html = client.get(reverse(page) + "?q=a").content.decode()
        assert f'{reverse("imports:export", args=[kind])}?q=a' in html, page


def test_the_ticket_export_respects_the_queue_filters(client, demo):
    client.force_login(User.objects.get(username="manager"))
    some = Ticket.objects.order_by("number").first()
    exported = rows(client.get(reverse("imports:export", args=["tickets"]) + f"?status=&client={some.client_id}"))
    assert {r["client"] for r in exported} == {some.client.name}
    assert len(exported) == Ticket.objects.filter(client=some.client).count()
    everything = rows(client.get(reverse("imports:export", args=["tickets"]) + "?status="))
    assert len(everything) == Ticket.objects.count()


def test_the_client_export_filters_and_re_imports_unchanged(client, demo):
    client.force_login(User.objects.get(username="manager"))
    active = rows(client.get(reverse("imports:export", args=["clients"]) + "?status=active"))
    assert {r["name"] for r in active} == set(Client.objects.filter(status="active").values_list("name", flat=True))
    text = b"".join(client.get(reverse("imports:export", args=["clients"])).streaming_content).decode()
    result = run_import(kind="clients", text=text)
    assert not result.errors and result.unchanged == Client.objects.count() and result.created == 0


def test_asset_and_contact_exports_re_import_unchanged(client, demo):
    client.force_login(User.objects.get(username="manager"))
    for kind in ("assets", "contacts"):
        text = b"".join(client.get(reverse("imports:export", args=[kind])).streaming_content).decode()
        result = run_import(kind=kind, text=text)
        assert not result.errors, (kind, result.errors[:3])
        assert result.created == 0 and result.updated == 0, kind


def test_formulas_are_neutralised_and_contacts_cannot_export(client, demo):
    Client.objects.create(name="=HYPERLINK(\"http://evil\")")
    client.force_login(User.objects.get(username="manager"))
    names = [r["name"] for r in rows(client.get(reverse("imports:export", args=["clients"])))]
    assert "'=HYPERLINK(\"http://evil\")" in names
    client.force_login(User.objects.filter(role=Role.CLIENT_CONTACT).first())
    assert client.get(reverse("imports:export", args=["clients"])).status_code == 404
