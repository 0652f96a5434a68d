"""The knowledge endpoints: articles and versions, ticket links, problems, checklists, search; bad input is a
4xx that changes nothing; a client contact reads only the articles published to their company."""

from bspos.api.services import create_token
from bspos.knowledge import services
from bspos.knowledge.models import Article, ChecklistKind, ChecklistTemplate, Problem
from bspos.knowledge.tests.conftest import contact_of, new_ticket, staff
from bspos.servicedesk import services as desk


def call(client, method, path, user, payload=None, scope="write"):
    secret = create_token(user=user, name="t", scope=scope)[1]
    kwargs = {"content_type": "application/json"} if method != "get" else {}
    return getattr(client, method)(f"/api/v1{path}", payload, headers={"Authorization": f"Bearer {secret}"},
                                   **kwargs)


def test_articles_versions_and_restore_over_the_api(client, demo, companies):
    tech = staff()
    created = call(client, "post", "/articles", tech, {"title": "Map drive", "body": "net use S: <script>x</script>",
                                                       "kind": "sop", "client_id": companies[0].pk})
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["version"] == 1 and "<script>" not in created.json()["html"]
    patched = call(client, "patch", f"/articles/{pk}", tech, {"body": "second", "summary": "rewrite"})
    assert patched.json()["version"] == 2
    versions = call(client, "get", f"/articles/{pk}/versions", tech).json()
    assert [v["number"] for v in versions] == [2, 1] and versions[0]["summary"] == "rewrite"
    restored = call(client, "post", f"/articles/{pk}/restore", tech, {"version": 1})
    assert restored.json()["body"] == "net use S: <script>x</script>" and restored.json()["version"] == 3
    assert call(client, "post", f"/articles/{pk}/restore", tech, {"version": 9}).status_code == 422
    assert call(client, "post", f"/articles/{pk}/restore", tech, {}).status_code == 422
    assert call(client, "post", "/articles", tech, {"title": "", "kind": "sop"}).status_code == 422
    assert call(client, "post", "/articles", tech, {"title": "x", "client_id": 999999}).status_code == 422
    assert call(client, "patch", f"/articles/{pk}", tech, {"title": None}).status_code == 422
    assert call(client, "patch", f"/articles/{pk}", tech, {"body": "y"}, scope="read").status_code == 403
    assert call(client, "post", "/articles", staff("finance"), {"title": "x"}).status_code == 403
    assert Article.objects.get(pk=pk).version == 3 and Article.objects.count() == 1
    listed = call(client, "get", "/articles?kind=sop&q=net", tech).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk


def test_a_contact_reads_only_articles_published_to_their_company_over_the_api(client, demo, companies):
    first, second = companies
    tech = staff()
    own = services.save_article(by=tech, title="Quokka guide", client=first, published=True)
    services.save_article(by=tech, title="Global", published=True)
    draft = services.save_article(by=tech, title="Draft", client=first)
    other = services.save_article(by=tech, title="Wombat guide", client=second, published=True)
    contact = contact_of(first)
    titles = {a["title"] for a in call(client, "get", "/articles", contact).json()["items"]}
    assert titles == {"Quokka guide", "Global"}
    assert call(client, "get", f"/articles/{own.pk}", contact).status_code == 200
    for hidden in (draft, other):
        assert call(client, "get", f"/articles/{hidden.pk}", contact).status_code == 404
    assert call(client, "get", f"/articles/{own.pk}/versions", contact).status_code == 404
    assert call(client, "post", "/articles", contact, {"title": "x"}).status_code == 404
    assert call(client, "get", "/problems", contact).status_code == 404
    assert call(client, "get", "/checklist-runs", contact).status_code == 404
    assert call(client, "get", "/search?q=Wombat", contact).json() == []
    assert [h["id"] for h in call(client, "get", "/search?q=guide", contact).json()] == [own.pk]
    assert len(call(client, "get", "/search?q=guide", tech).json()) == 2


def test_ticket_links_suggestions_and_article_from_resolution(client, demo, companies):
    tech = staff()
    ticket = new_ticket(companies[0], "Outlook crash")
    desk.add_note(ticket, author=tech, body="Rebuilt the OST file.")
    article = services.save_article(by=tech, title="Outlook crash fix")
    suggested = call(client, "get", f"/tickets/{ticket.number}/article-suggestions", tech).json()
    assert [s["id"] for s in suggested] == [article.pk]
    assert call(client, "post", f"/tickets/{ticket.number}/articles", tech,
                {"article_id": article.pk}).status_code == 201
    assert [a["id"] for a in call(client, "get", f"/tickets/{ticket.number}/articles", tech).json()] == [article.pk]
    assert call(client, "get", f"/articles/{article.pk}/tickets", tech).json()[0]["number"] == ticket.number
    assert call(client, "delete", f"/tickets/{ticket.number}/articles/{article.pk}", tech).status_code == 204
    assert call(client, "delete", f"/tickets/{ticket.number}/articles/{article.pk}", tech).status_code == 404
    drafted = call(client, "post", f"/tickets/{ticket.number}/article-from-resolution", tech)
    assert drafted.status_code == 201 and "Rebuilt the OST file." in drafted.json()["body"]
    assert drafted.json()["source_ticket_number"] == ticket.number
    assert call(client, "post", "/tickets/999999999/articles", tech, {"article_id": article.pk}).status_code == 404
    assert call(client, "post", f"/tickets/{ticket.number}/articles", tech, {}).status_code == 422


def test_problems_close_rule_and_recurring_report_over_the_api(client, demo, companies):
    tech = staff()
    ticket = new_ticket(companies[0], "Jam", category="printing")
    created = call(client, "post", "/problems", tech, {"title": "Printer jams", "client_id": companies[0].pk,
                                                       "clarify": "Worn rollers", "ticket_numbers": [ticket.number]})
    assert created.status_code == 201 and created.json()["ticket_numbers"] == [ticket.number]
    pk = created.json()["id"]
    refused = call(client, "post", f"/problems/{pk}/close", tech)
    assert refused.status_code == 422 and "implement_article" in refused.json()["errors"]
    assert Problem.objects.get(pk=pk).status == "open"
    article = services.save_article(by=tech, title="Replace rollers")
    call(client, "patch", f"/problems/{pk}", tech, {"implement": "New rollers", "implement_article_id": article.pk})
    closed = call(client, "post", f"/problems/{pk}/close", tech)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert call(client, "post", "/problems", tech, {"title": "x", "ticket_numbers": [999999999]}).status_code == 422
    assert Problem.objects.count() == 1
    report = call(client, "get", "/recurring-problems?days=30&min_tickets=2", tech)
    assert report.status_code == 200 and "items" in report.json()
    assert call(client, "get", "/recurring-problems?days=0", tech).status_code == 422


def test_checklists_and_onboarding_measure_over_the_api(client, demo, companies):
    manager = staff("manager")
    template = ChecklistTemplate.objects.get(kind=ChecklistKind.TECH_ONBOARDING)
    started = call(client, "post", "/checklist-runs", manager, {"template_id": template.pk,
                                                                "person_id": staff("tech5").pk,
                                                                "started_at": "2026-11-02T09:00:00+00:00"})
    assert started.status_code == 201 and started.json()["total"] == template.items.count()
    for item in started.json()["items"]:
        assert call(client, "patch", f"/checklist-items/{item['id']}", manager, {"done": True}).status_code == 200
    run = call(client, "get", f"/checklist-runs/{started.json()['id']}", manager).json()
    assert run["done"] == run["total"] and run["completed_at"]
    measure = call(client, "get", "/onboarding-measure", manager).json()
    assert measure["completed"] == 1 and measure["aim_days"] == 14
    assert call(client, "post", "/checklist-runs", manager, {"template_id": template.pk,
                                                             "client_id": companies[0].pk}).status_code == 422
    assert call(client, "post", "/checklist-runs", manager, {"template_id": template.pk, "person_id": 1,
                                                             "started_at": "2026-11-02T09:00:00"}).status_code == 422
    assert call(client, "get", "/checklist-runs?open=false", manager).json()["count"] == 1
    assert len(call(client, "get", "/checklist-templates", manager).json()) == 4


def test_search_endpoint(client, demo, companies):
    ticket = new_ticket(companies[0], "Fax")
    desk.add_note(ticket, author=staff(), body="the snorkelwidget was unplugged")
    hits = call(client, "get", "/search?q=snorkelwidget", staff("finance")).json()
    assert [(h["kind"], h["id"]) for h in hits] == [("ticket", ticket.number)]
    assert call(client, "get", "/search?q=", staff()).status_code == 422
    assert call(client, "get", "/search?q=x&kind=invoice", staff()).status_code == 422
