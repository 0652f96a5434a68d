"""Articles: versions with diff and restore, review flag, pages, permissions and the portal's isolation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bspos.knowledge import services
from bspos.knowledge.models import Article, ArticleVersion
from bspos.knowledge.tests.conftest import contact_of, staff


def test_every_text_change_keeps_a_version_and_restore_brings_back_exactly_the_old_text(demo):
    tech = staff()
    original = "## Steps\n\n1. Open *Settings*\n2. Click **Reset**  \n\ttrailing tab and unicode: café ✓\n"
    article = services.save_article(by=tech, title="Reset the VPN", body=original, kind="sop")
    services.save_article(by=tech, article=article, body="Completely rewritten.", summary="rewrite")
    services.save_article(by=tech, article=article, title="Reset the VPN client", body="Third text.")
    services.save_article(by=tech, article=article, published=True)  # no text change: no new version
    article.refresh_from_db()
    assert article.version == 3 and article.versions.count() == 3

    restored = services.restore_version(article=article, number=1, by=tech)
    restored.refresh_from_db()
    assert (restored.title, restored.body) == ("Reset the VPN", original)
    assert restored.version == 4 and restored.published  # restoring the text keeps the other settings
    newest = ArticleVersion.objects.get(article=article, number=4)
    assert (newest.title, newest.body, newest.summary) == ("Reset the VPN", original, "Restored version 1")
    assert ArticleVersion.objects.get(article=article, number=2).body == "Completely rewritten."  # history kept

    with pytest.raises(ValidationError):
        services.restore_version(article=article, number=4, by=tech)  # already reads like that
    with pytest.raises(ValidationError):
        services.restore_version(article=article, number=99, by=tech)
    assert Article.objects.get(pk=article.pk).version == 4


def test_history_page_shows_the_diff_and_restore_from_the_page(client, demo):
    tech = staff()
    article = services.save_article(by=tech, title="Printer", body="line one\nline two\n")
    services.save_article(by=tech, article=article, body="line one\nline 2\n")
    client.force_login(tech)
    page = client.get(reverse("knowledge:history", args=[article.pk])).content.decode()
    assert '<span class="del">-line two</span>' in page and '<span class="add">+line 2</span>' in page
    response = client.post(reverse("knowledge:restore", args=[article.pk]), {"version": "1"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "line one\nline two\n" and article.version == 3
    assert client.post(reverse("knowledge:restore", args=[article.pk]), {"version": "x"}).status_code == 302
    assert Article.objects.get(pk=article.pk).version == 3


def test_untitled_or_unknown_input_changes_nothing(demo):
    with pytest.raises(ValidationError):
        services.save_article(by=staff(), title="   ", body="x")
    with pytest.raises(ValidationError):
        services.save_article(by=staff(), title="x", kind="novel")
    assert not Article.objects.exists() and not ArticleVersion.objects.exists()


def test_list_filters_search_flags_past_review_and_renders_markdown_safely(client, demo, companies):
    first, _second = companies
    tech = staff()
    today = timezone.localdate()
    services.save_article(by=tech, title="Old SOP", body="Restart the **spooler**", kind="sop",
                          review_on=today - timedelta(days=1))
    services.save_article(by=tech, title="Fresh runbook", body="<script>alert(1)</script>", kind="runbook",
                          client=first, review_on=today + timedelta(days=30))
    client.force_login(tech)
    listing = client.get(reverse("knowledge:articles")).content.decode()
    assert "past review" in listing and "1 article past review date" in listing
    only_old = client.get(reverse("knowledge:articles"), {"past_review": "true"}).content.decode()
    assert "Old SOP" in only_old and "Fresh runbook" not in only_old
    by_client = client.get(reverse("knowledge:articles"), {"client": str(first.pk)}).content.decode()
    assert "Fresh runbook" in by_client and "Old SOP" not in by_client
    assert "No articles match" in client.get(reverse("knowledge:articles"), {"q": "zzzz"}).content.decode()
    page = client.get(reverse("knowledge:article", args=[Article.objects.get(title="Fresh runbook").pk]))
    assert "<script>alert" not in page.content.decode() and "&lt;script&gt;" in page.content.decode()


def test_edit_form_creates_and_changes_articles(client, demo):
    client.force_login(staff())
    response = client.post(reverse("knowledge:new"), {"title": "Onboard a laptop", "kind": "sop",
                                                      "category": "hardware", "body": "1. Image it",
                                                      "summary": "first"})
    article = Article.objects.get(title="Onboard a laptop")
    assert response.status_code == 302 and article.version == 1 and article.owner.username == "tech1"
    client.post(reverse("knowledge:edit", args=[article.pk]), {"title": "Onboard a laptop", "kind": "sop",
                                                               "category": "hardware", "body": "1. Image it\n2. Ship"})
    assert Article.objects.get(pk=article.pk).version == 2


def test_finance_reads_but_cannot_edit_and_a_contact_meets_404_on_staff_pages(client, demo, companies):
    article = services.save_article(by=staff(), title="Internal", body="x")
    client.force_login(staff("finance"))
    assert client.get(reverse("knowledge:article", args=[article.pk])).status_code == 200
    assert client.get(reverse("knowledge:edit", args=[article.pk])).status_code == 403
    client.force_login(contact_of(companies[0]))
    for url in (reverse("knowledge:articles"), reverse("knowledge:article", args=[article.pk]),
                reverse("knowledge:problems"), reverse("knowledge:checklists")):
        assert client.get(url).status_code == 404, url


def test_a_client_contact_sees_only_articles_published_to_their_company(client, demo, companies):
    first, second = companies
    tech = staff()
    own = services.save_article(by=tech, title="Your VPN guide", body="Use **this**", client=first, published=True)
    shared = services.save_article(by=tech, title="Global password tips", body="Long ones", published=True)
    draft = services.save_article(by=tech, title="Our draft", body="x", client=first, published=False)
    other = services.save_article(by=tech, title="Other company's guide", body="x", client=second, published=True)
    internal = services.save_article(by=tech, title="Global internal runbook", body="x", published=False)
    client.force_login(contact_of(first))
    listing = client.get(reverse("knowledge:index"), follow=True).content.decode()
    assert "Your VPN guide" in listing and "Global password tips" in listing
    assert "Our draft" not in listing and "Other company" not in listing and "internal runbook" not in listing
    assert client.get(reverse("knowledge:portal-article", args=[own.pk])).status_code == 200
    assert client.get(reverse("knowledge:portal-article", args=[shared.pk])).status_code == 200
    for hidden in (draft, other, internal):
        assert client.get(reverse("knowledge:portal-article", args=[hidden.pk])).status_code == 404
    client.force_login(staff())
    assert client.get(reverse("knowledge:portal")).status_code == 404  # the portal list is for contacts
