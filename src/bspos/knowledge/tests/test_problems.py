"""CESI problem records: links to tickets, closing needs the Implement article, the recurring-problems report."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bspos.audit.models import AuditEvent
from bspos.knowledge import selectors, services
from bspos.knowledge.models import Problem
from bspos.knowledge.tests.conftest import new_ticket, staff
from bspos.servicedesk.models import Ticket


def test_closing_a_problem_without_an_implement_article_is_refused(demo, companies):
    tech = staff()
    problem = services.save_problem(by=tech, title="Wi-Fi drops every morning", client=companies[0],
                                    clarify="DHCP lease exhaustion, not the access points",
                                    implement="Lease time shortened to 8 h")
    with pytest.raises(ValidationError) as refused:
        services.close_problem(problem=problem, by=tech)
    assert "implement_article" in refused.value.message_dict
    problem.refresh_from_db()
    assert problem.status == Problem.Status.OPEN and problem.closed_at is None

    article = services.save_article(by=tech, title="DHCP scope sizing", body="...")
    services.save_problem(by=tech, problem=problem, implement_article=article)
    services.close_problem(problem=problem, by=tech)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CLOSED and problem.closed_at is not None
    assert AuditEvent.objects.filter(object_id=problem.pk, changes__has_key="status").exists()
    with pytest.raises(ValidationError):
        services.save_problem(by=tech, problem=problem, implement_article=None)  # a closed one keeps it


def test_close_from_the_page_is_refused_with_a_message(client, demo, companies):
    problem = services.save_problem(by=staff(), title="Backups fail")
    client.force_login(staff())
    response = client.post(reverse("knowledge:problem-action", args=[problem.pk, "close"]), follow=True)
    assert "Link the article that documents the fix" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.OPEN


def test_problem_links_tickets_and_a_clients_problem_refuses_other_clients_tickets(client, demo, companies):
    first, second = companies
    problem = services.save_problem(by=staff(), title="Printer jams", client=first)
    mine, theirs = new_ticket(first, "Jam 1"), new_ticket(second, "Jam 2")
    client.force_login(staff())
    client.post(reverse("knowledge:problem-action", args=[problem.pk, "tickets"]), {"numbers": f"#{mine.number}"})
    assert list(problem.tickets.all()) == [mine]
    client.post(reverse("knowledge:problem-action", args=[problem.pk, "tickets"]), {"numbers": str(theirs.number)})
    assert list(problem.tickets.all()) == [mine]
    page = client.get(reverse("knowledge:problem", args=[problem.pk])).content.decode()
    assert f"#{mine.number} Jam 1" in page and "Clarify: the real problem" in page


def test_problem_form_from_a_ticket_prefills_and_links_it(client, demo, companies):
    ticket = new_ticket(companies[0], "VPN drops", description="Every hour")
    client.force_login(staff())
    form = client.get(reverse("knowledge:problem-new"), {"ticket": ticket.number}).content.decode()
    assert "VPN drops" in form and "Every hour" in form
    client.post(reverse("knowledge:problem-new"), {"title": "VPN drops hourly", "client": companies[0].pk,
                                                   "category": "network", "clarify": "Rekey", "ticket":
                                                   ticket.number})
    assert list(Problem.objects.get(title="VPN drops hourly").tickets.all()) == [ticket]


def test_recurring_report_lists_clusters_without_a_problem_record(client, demo, companies):
    first, second = companies
    recent = Ticket.objects.filter(created_at__gte=timezone.now() - timedelta(days=1))
    jams = [new_ticket(first, f"Printer jam {i}", category="printing") for i in range(4)]
    for i in range(3):
        new_ticket(second, f"Mail bounce {i}", category="email")
    new_ticket(second, "Single", category="security")
    rows = {(r["client_id"], r["category"]): r["tickets"] for r in selectors.recurring_problems(recent)}
    assert rows[(first.pk, "printing")] == 4 and rows[(second.pk, "email")] == 3
    assert (second.pk, "security") not in rows

    problem = services.save_problem(by=staff(), title="Printer jams", client=first)
    services.link_tickets(problem=problem, tickets=jams[:1])  # one explained ticket takes the cluster off
    rows = {(r["client_id"], r["category"]) for r in selectors.recurring_problems(recent)}
    assert (first.pk, "printing") not in rows and (second.pk, "email") in rows
    client.force_login(staff("finance"))
    page = client.get(reverse("knowledge:recurring"), {"days": "1"}).content.decode()
    assert second.name in page and "Email &amp; collaboration" in page
    bad = client.get(reverse("knowledge:recurring"), {"days": "x", "min_tickets": "-4"})
    assert bad.status_code == 200 and "Some filters were ignored" in bad.content.decode()
    assert second.name in bad.content.decode()  # the default window (90 days) and cluster size (3) apply
