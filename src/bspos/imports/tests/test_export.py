"""CSV export of the ticket and agreement lists: the page's filters apply, staff only. (Clients, contacts and
assets are exported by their own apps: clients/tests/test_lists.py, assets/tests/test_assets.py.)"""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from bspos.demo.services import DemoSize, load_demo
from bspos.people.models import User
from bspos.servicedesk.models import Ticket


@pytest.fixture
def demo(db):
    return load_demo(DemoSize(clients=4, months=1, seed=3, today=date(2026, 11, 20)))


def rows(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_every_list_page_links_to_its_export_with_the_filters(client, demo):
    client.force_login(User.objects.get(username="manager"))
    for page, kind in [("servicedesk:queue", "tickets"), ("agreements:list", "agreements")]:
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
