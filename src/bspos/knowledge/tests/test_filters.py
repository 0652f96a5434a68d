"""Every knowledge list filters through its FilterSet: the page and the API agree, a bad value (NUL byte, an id
beyond 64 bits, an unknown choice) is an ignored filter with a message on the page and 422 in the API."""

import pytest
from django.urls import reverse

from bspos.clients.tests.factories import ClientFactory, ContactFactory
from bspos.knowledge.tests.factories import ArticleFactory, ProblemFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HUGE = str(2**70)


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    return client


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["items"]]


def test_articles_filter_alike_on_the_page_and_in_the_api(staff):
    acme = ClientFactory(name="Acme")
    ArticleFactory(title="Reset the VPN", client=acme, published=True)
    ArticleFactory(title="Printer drivers")
    params = {"client": acme.pk, "q": "vpn", "published": "true"}
    assert titles(staff.get("/api/v1/articles", params)) == ["Reset the VPN"]
    page = staff.get(reverse("knowledge:articles"), params).content.decode()
    assert "Reset the VPN" in page and "Printer drivers" not in page
    assert titles(staff.get("/api/v1/articles", {"client": "global"})) == ["Printer drivers"]


@pytest.mark.parametrize("url, api, params", [
    ("knowledge:articles", "/api/v1/articles", {"q": "vp\x00n"}),
    ("knowledge:articles", "/api/v1/articles", {"client": HUGE}),
    ("knowledge:articles", "/api/v1/articles", {"kind": "novel"}),
    ("knowledge:problems", "/api/v1/problems", {"client": HUGE}),
    ("knowledge:problems", "/api/v1/problems", {"q": "\x00"}),
    ("knowledge:checklists", "/api/v1/checklist-runs", {"person": HUGE}),
    ("knowledge:checklists", "/api/v1/checklist-runs", {"state": "half"}),
    ("knowledge:recurring", "/api/v1/recurring-problems", {"client": HUGE}),
    ("knowledge:recurring", "/api/v1/recurring-problems", {"days": "0"}),
])
def test_a_bad_filter_is_ignored_with_a_message_on_the_page_and_refused_by_the_api(staff, url, api, params):
    ArticleFactory(title="Printer drivers")
    ProblemFactory(title="Printer jams")
    page = staff.get(reverse(url), params)
    assert page.status_code == 200 and "Some filters were ignored" in page.content.decode()
    refused = staff.get(api, params)
    assert refused.status_code == 422 and set(refused.json()["errors"]) == set(params)


def test_problems_list_by_status_and_client_on_both(staff):
    acme = ClientFactory()
    ProblemFactory(title="Printer jams", client=acme)
    ProblemFactory(title="Mail bounces")
    assert titles(staff.get("/api/v1/problems", {"client": acme.pk, "status": "open"})) == ["Printer jams"]
    page = staff.get(reverse("knowledge:problems"), {"client": acme.pk}).content.decode()
    assert "Printer jams" in page and "Mail bounces" not in page


def test_a_contact_reads_published_articles_of_their_company_and_global_ones_only(client):
    acme, other = ClientFactory(), ClientFactory()
    ArticleFactory(title="Our VPN guide", client=acme, published=True)
    ArticleFactory(title="Password tips", published=True)
    ArticleFactory(title="Our draft", client=acme)
    ArticleFactory(title="Their guide", client=other, published=True)
    ArticleFactory(title="Internal runbook")
    user = UserFactory(role=Role.CLIENT_CONTACT)
    ContactFactory(client=acme, user=user)
    client.force_login(user)
    assert sorted(titles(client.get("/api/v1/articles"))) == ["Our VPN guide", "Password tips"]
    page = client.get(reverse("knowledge:portal"), {"q": "guide"}).content.decode()
    assert "Our VPN guide" in page and "Their guide" not in page and "Password tips" not in page
    assert client.get("/api/v1/problems").status_code == 404


def test_the_search_page_refuses_a_nul_byte_or_an_unknown_kind_with_a_message(staff):
    ArticleFactory(title="Printer drivers")
    found = staff.get(reverse("knowledge:search"), {"q": "printer"}).content.decode()
    assert "Printer drivers" in found
    for params in ({"q": "prin\x00ter"}, {"q": "printer", "kind": "invoice"}):
        page = staff.get(reverse("knowledge:search"), params)
        assert page.status_code == 200 and "The search was not run" in page.content.decode(), params
