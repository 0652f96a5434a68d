"""One search box over tickets (subject, description, replies and notes), articles and problems, ranked; the same
function on SQLite (FTS5) and PostgreSQL (full-text search), with the user's permissions applied inside it."""

from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from bspos.knowledge import services
from bspos.knowledge.search import ensure_sqlite_index, search
from bspos.knowledge.tests.conftest import contact_of, new_ticket, staff
from bspos.servicedesk import services as desk


def test_finds_a_word_that_only_appears_in_a_ticket_reply(demo, companies):
    ticket = new_ticket(companies[0], "Laptop is slow")
    desk.add_note(ticket, author=staff(), body="Replaced the thermal paste on the quuxcooler fan.")
    hits = search("quuxcooler", staff())
    assert [(h.kind, h.id) for h in hits] == [("ticket", ticket.number)]
    assert search("QUUXCOOLER fan", staff())[0].id == ticket.number  # case and several words
    assert search("quuxcooler nonsenseword", staff()) == []  # every word must match


def test_index_follows_edits_and_deletes(demo, companies):
    ticket = new_ticket(companies[0], "Printer zorblax jam")
    note = desk.add_note(ticket, author=staff(), body="frobnicated the tray")
    assert search("zorblax", staff())[0].id == ticket.number
    desk.update_ticket(ticket, subject="Printer paper jam")
    assert search("zorblax", staff()) == []
    note.body = "cleaned the rollers"
    note.save()
    assert search("frobnicated", staff()) == [] and search("rollers", staff())[0].id == ticket.number
    ticket.notes.all().delete()
    assert search("rollers", staff()) == []


def test_ranks_articles_problems_and_tickets_together(demo, companies):
    tech = staff()
    strong = services.save_article(by=tech, title="Blorptastic VPN reset", body="blorptastic blorptastic steps")
    weak = services.save_article(by=tech, title="Network basics", body="once: blorptastic")
    problem = services.save_problem(by=tech, title="Tunnel drops", clarify="blorptastic keepalive too short")
    ticket = new_ticket(companies[0], "VPN drops", description="blorptastic error 809")
    hits = search("blorptastic", tech)
    assert {(h.kind, h.id) for h in hits} == {("article", strong.pk), ("article", weak.pk),
                                              ("problem", problem.pk), ("ticket", ticket.number)}
    assert hits[0].id == strong.pk  # title and repeated words rank first
    assert [h.kind for h in search("blorptastic", tech, kinds=["problem"])] == ["problem"]
    assert search("", tech) == [] and search("   \"' OR AND -", tech) == []  # operators are not syntax errors


def test_a_client_contact_finds_only_their_company_public_replies_and_published_articles(demo, companies):
    first, second = companies
    tech = staff()
    own = new_ticket(first, "Own ticket")
    desk.add_note(own, author=tech, body="public wibblewobble answer")
    hidden = new_ticket(first, "Own ticket with a secret")
    desk.add_note(hidden, author=tech, body="internal wibblewobble password", is_internal=True)
    other = new_ticket(second, "wibblewobble at another company")
    published = services.save_article(by=tech, title="wibblewobble guide", client=first, published=True)
    services.save_article(by=tech, title="wibblewobble draft", client=first, published=False)
    services.save_article(by=tech, title="wibblewobble for others", client=second, published=True)
    services.save_problem(by=tech, title="wibblewobble problem")
    found = {(h.kind, h.id) for h in search("wibblewobble", contact_of(first))}
    assert found == {("ticket", own.number), ("article", published.pk)}
    assert len(search("wibblewobble", tech)) == 7
    assert {(h.kind, h.id) for h in search("wibblewobble", contact_of(second))} >= {("ticket", other.number)}


def test_search_page_for_staff_and_contact(client, demo, companies):
    ticket = new_ticket(companies[0], "Scanner glimmerfax fails")
    client.force_login(staff("finance"))
    page = client.get(reverse("knowledge:search"), {"q": "glimmerfax"}).content.decode()
    assert f"#{ticket.number} Scanner glimmerfax fails" in page and "1 result" in page
    assert "Nothing matches" in client.get(reverse("knowledge:search"), {"q": "nothinghere"}).content.decode()
    client.force_login(contact_of(companies[1]))
    assert "Nothing matches" in client.get(reverse("knowledge:search"), {"q": "glimmerfax"}).content.decode()
    client.force_login(contact_of(companies[0]))
    assert reverse("portal:ticket", args=[ticket.number]) in client.get(
        reverse("knowledge:search"), {"q": "glimmerfax"}).content.decode()


def test_sqlite_triggers_come_back_after_another_app_rebuilds_a_table(demo, companies):
    if connection.vendor != "sqlite":
        assert ensure_sqlite_index(connection) is False  # PostgreSQL uses expression indexes, nothing to keep
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER knowledge_fts_note_ins")  # what a table rebuild by a migration does
    call_command("migrate", verbosity=0)  # post_migrate puts the triggers back and refills the index
    ticket = new_ticket(companies[0], "After rebuild")
    desk.add_note(ticket, author=staff(), body="plonkified")
    assert search("plonkified", staff())[0].id == ticket.number


def test_the_newest_matches_are_found_however_far_back_they_lie(demo, companies, monkeypatch):
    # Tiny windows and candidate counts: the window-by-window read must return exactly the newest matches, even
    # when the nearest one lies many windows back, and never an older one in their place.
    from bspos.knowledge import search as search_module

    monkeypatch.setattr(search_module, "FIRST_WINDOW", 1)
    monkeypatch.setattr(search_module, "CANDIDATES", 3)
    matching = [new_ticket(companies[0], f"Glorbnax failure {n}") for n in range(5)]
    for n in range(6):
        new_ticket(companies[0], f"Unrelated printer {n}")
    hits = search_module.search("glorbnax", staff(), limit=3)
    assert sorted(h.id for h in hits) == sorted(t.number for t in matching[-3:])
