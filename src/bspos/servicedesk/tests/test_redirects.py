"""After an action the desk goes back to a posted `next` only when it is a page of this site (no open redirect)."""

from django.urls import reverse

from bspos.servicedesk.models import Status
from bspos.servicedesk.tests.factories import TicketFactory

EVIL = "https://evil.example/"


def test_a_ticket_action_ignores_an_off_site_next_and_returns_to_the_ticket(client, company, tech):
    ticket = TicketFactory(client=company)
    client.force_login(tech)
    done = client.post(reverse("servicedesk:status", args=[ticket.number]), {"status": Status.OPEN, "next": EVIL})
    assert done.status_code == 302 and done.url == reverse("servicedesk:ticket", args=[ticket.number])
    refused = client.post(reverse("servicedesk:status", args=[ticket.number]), {"status": "nonsense", "next": EVIL})
    assert refused.url == reverse("servicedesk:ticket", args=[ticket.number])
    for sneaky in ("//evil.example/", "https:evil.example", "javascript:alert(1)"):
        response = client.post(reverse("servicedesk:escalate", args=[ticket.number]), {"next": sneaky})
        assert response.url == reverse("servicedesk:ticket", args=[ticket.number]), sneaky


def test_a_next_on_this_site_is_followed(client, company, tech):
    ticket = TicketFactory(client=company)
    client.force_login(tech)
    queue = reverse("servicedesk:queue") + "?priority=3"
    response = client.post(reverse("servicedesk:scope", args=[ticket.number]), {"next": queue})
    assert response.url == queue


def test_bulk_actions_ignore_an_off_site_next(client, company, tech):
    ticket = TicketFactory(client=company)
    client.force_login(tech)
    response = client.post(reverse("servicedesk:bulk"), {"tickets": [ticket.pk], "action": "close", "next": EVIL,
                                                             "resolution": "Done."})
    assert response.url == reverse("servicedesk:queue")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
