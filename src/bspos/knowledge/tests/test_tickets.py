"""Articles on tickets: attach and detach, suggestions from the subject and client, an article from a ticket's
resolution, and the article page listing the tickets that used it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bspos.knowledge import services
from bspos.knowledge.models import Article, ArticleTicket
from bspos.knowledge.tests.conftest import contact_of, new_ticket, staff
from bspos.servicedesk import services as desk


def test_panel_suggests_matching_articles_of_the_client_or_global_and_attaches_them(client, demo, companies):
    first, second = companies
    tech = staff()
    ticket = new_ticket(first, "Outlook keeps crashing on start")
    global_fix = services.save_article(by=tech, title="Outlook crash: repair the profile", body="Steps")
    own_fix = services.save_article(by=tech, title="Their Outlook add-in", body="crashing add-in", client=first)
    services.save_article(by=tech, title="Outlook at another company", client=second)
    services.save_article(by=tech, title="Printer drivers")
    client.force_login(tech)
    panel = client.get(reverse("knowledge:ticket-panel", args=[ticket.number])).content.decode()
    assert "Outlook crash: repair the profile" in panel and "Their Outlook add-in" in panel
    assert "another company" not in panel and "Printer drivers" not in panel

    response = client.post(reverse("knowledge:ticket-link", args=[ticket.number, "link"]),
                           {"article": global_fix.pk})
    assert response.status_code == 302 and ArticleTicket.objects.filter(ticket=ticket, article=global_fix).exists()
    panel = client.get(reverse("knowledge:ticket-panel", args=[ticket.number])).content.decode()
    attached, suggested = panel.split("<h3>Suggested</h3>")
    assert "detach" in attached and "Outlook crash: repair the profile" in attached
    assert "Outlook crash" not in suggested and "Their Outlook add-in" in suggested  # attached, so not suggested
    page = client.get(reverse("knowledge:article", args=[global_fix.pk])).content.decode()
    assert f"#{ticket.number} Outlook keeps crashing on start" in page  # the tickets that used it

    client.post(reverse("knowledge:ticket-link", args=[ticket.number, "unlink"]), {"article": global_fix.pk})
    assert not ArticleTicket.objects.filter(ticket=ticket).exists()
    assert own_fix.pk  # still there


def test_an_article_of_another_client_cannot_be_attached(demo, companies):
    first, second = companies
    article = services.save_article(by=staff(), title="Theirs", client=second)
    with pytest.raises(ValidationError):
        services.link_article(ticket=new_ticket(first, "Mine"), article=article, by=staff())
    assert not ArticleTicket.objects.exists()


def test_create_article_from_a_tickets_resolution(client, demo, companies):
    ticket = new_ticket(companies[0], "Shared drive missing", description="Drive S: gone after update")
    desk.add_note(ticket, author=staff(), body="Re-mapped S: with the login script; added GPO.")
    client.force_login(staff())
    response = client.post(reverse("knowledge:ticket-link", args=[ticket.number, "from-resolution"]))
    article = Article.objects.get()
    assert response.status_code == 302 and response.url == reverse("knowledge:edit", args=[article.pk])
    assert article.title == "Shared drive missing" and article.client == companies[0] and not article.published
    assert "Drive S: gone after update" in article.body and "Re-mapped S: with the login script" in article.body
    assert article.source_ticket == ticket and ArticleTicket.objects.filter(ticket=ticket, article=article).exists()


def test_ticket_page_loads_the_panel_and_a_contact_or_reader_cannot_change_links(client, demo, companies):
    ticket = new_ticket(companies[0], "Anything")
    client.force_login(staff())
    page = client.get(reverse("servicedesk:ticket", args=[ticket.number])).content.decode()
    assert reverse("knowledge:ticket-panel", args=[ticket.number]) in page
    article = services.save_article(by=staff(), title="A")
    client.force_login(staff("finance"))
    assert client.post(reverse("knowledge:ticket-link", args=[ticket.number, "link"]),
                       {"article": article.pk}).status_code == 403
    client.force_login(contact_of(companies[0]))
    assert client.get(reverse("knowledge:ticket-panel", args=[ticket.number])).status_code == 404
    assert not ArticleTicket.objects.exists()
