"""One sweep of bad query parameters over every list the app serves: each HTML page without a path parameter
(from the URL conf), every CSV download (listed, and any export link a page shows) and every API list endpoint
(from the OpenAPI document), requested by the owner (who may see every list) with NUL bytes, ids past 64 bits,
junk ids and dates, huge page numbers. A bad filter is a message (page), a 422 (API) or is ignored; never a 5xx or
an exception, on SQLite and on PostgreSQL."""

import re
from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from bspos.agreements.tests.factories import AgreementFactory
from bspos.assets.tests.factories import AssetFactory
from bspos.clients.tests.factories import ContactFactory
from bspos.intake.tests.factories import AlertFactory
from bspos.mail.tests.factories import InboundMessageFactory
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory
from bspos.servicedesk.tests.factories import TicketFactory

HUGE = "99999999999999999999999"
BAD = {  # name → query string; each is sent on its own to every list
    "NUL in the search": "q=%00x",
    "client past 64 bits": f"client={HUGE}",
    "assignee past 64 bits": f"assignee={HUGE}",
    "source past 64 bits": f"source={HUGE}",
    "page past the end": "page=99999999999",
    "other ids past 64 bits": "&".join(f"{name}={HUGE}" for name in (
        "client_id", "technician", "ticket", "account_manager", "subscription", "asset", "site", "agreement",
        "contact", "author", "owner", "user", "plan", "service", "package", "template", "assessment", "review")),
    "junk ids": "client=abc&assignee=-1&source=1.5&ticket=%00&technician=1e9&client_id=x&asset=%20",
    "NUL in choices": "&".join(f"{name}=a%00" for name in (
        "status", "state", "outcome", "kind", "tier", "priority", "category", "lifecycle", "sort", "order", "event",
        "scope", "vertical", "asset_type", "unassigned", "is_active", "billable", "active", "stale", "queue")),
    "bad dates": "month=99999-99&since=2026-13-45&until=%00&active_on=0000-00-00&on=x&day=x&quarter=9"
                 "&year=99999999999999999999",
    "numbers out of range": f"months={HUGE}&days=-{HUGE}&page_size=100000&limit={HUGE}&offset=-1&priority={HUGE}",
    "NUL in the page number": "page=%00x",
}

NOT_LISTS = re.compile(r"^(admin/|api/|login/|logout/|health/|q/)")


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def html_pages() -> list[str]:
    """Every page whose URL has no path parameter (lists, dashboards, new-record forms; POST-only ones answer 405)."""
    routes = {"/" + route for route in _routes(get_resolver().url_patterns)
              if "<" not in route and not NOT_LISTS.match(route) and not route.endswith((".csv", ".pdf"))}
    return sorted(routes)


def api_lists() -> list[str]:
    from bspos.urls import api

    paths = api.get_openapi_schema()["paths"]
    return sorted(path for path, operations in paths.items() if "get" in operations and "{" not in path)


CSV_DOWNLOADS = ["/money/invoices/export.csv", "/clients/export.csv", "/clients/contacts/export.csv",
                 "/assets/export.csv", "/desk/tickets/export.csv", "/agreements/export.csv",
                 "/vcio/clients/{client}/matrix.csv"]
EXPORT_LINK = re.compile(r'href="(/[^"?]*(?:\.csv|/export[^"?]*))')


@pytest.fixture
def owner(client, db):
    """The owner (every list is theirs to see) and one row of the kinds the lists show."""
    ticket = TicketFactory(created_at=datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    AgreementFactory(client=ticket.client)
    ContactFactory(client=ticket.client)
    AssetFactory(client=ticket.client)
    AlertFactory(client=ticket.client)
    InboundMessageFactory(ticket=ticket)
    client.force_login(UserFactory(role=Role.OWNER))
    client.bad_input_client = ticket.client
    return client


def answer(http, url: str) -> str | None:
    """Request the URL (its body read to the end, so a CSV that breaks mid-stream counts); None if it was fine."""
    try:
        with transaction.atomic():  # a database error rolls back to here, so the next request starts clean
            response = http.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
    except Exception as error:  # noqa: BLE001 (any exception is what this sweep looks for)
        return f"{type(error).__name__}: {str(error)[:120]}"
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    return None


def sweep(http, path: str) -> dict[str, str]:
    failures = {}
    for name, query in BAD.items():
        problem = answer(http, f"{path}?{query}")
        if problem:
            failures[name] = problem
    return failures


@pytest.mark.parametrize("path", html_pages())
def test_a_list_page_never_fails_on_bad_filters(owner, path):
    page = owner.get(path)
    assert page.status_code < 500
    failures = sweep(owner, path)
    exports = set(EXPORT_LINK.findall(page.content.decode(errors="replace"))) if page.status_code == 200 else set()
    for export in sorted(exports):
        failures.update({f"{export} {name}": problem for name, problem in sweep(owner, export).items()})
    assert not failures, failures


@pytest.mark.parametrize("path", [path for path in html_pages() if "portal/" in path])
def test_a_portal_page_never_fails_on_bad_filters_for_a_client_contact(client, db, path):
    ticket = TicketFactory(created_at=datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    contact = ContactFactory(client=ticket.client, user=UserFactory(role=Role.CLIENT_CONTACT))
    client.force_login(contact.user)
    assert client.get(path).status_code == 200
    assert not (failures := sweep(client, path)), failures


@pytest.mark.parametrize("path", CSV_DOWNLOADS)
def test_a_csv_download_never_fails_on_bad_filters(owner, path):
    url = path.format(client=owner.bad_input_client.pk)
    assert answer(owner, url) is None
    assert not sweep(owner, url), sweep(owner, url)


@pytest.mark.parametrize("path", api_lists())
def test_an_api_list_never_fails_on_bad_filters(owner, path):
    assert owner.get(path).status_code < 500
    assert not (failures := sweep(owner, path)), failures


def test_the_sweep_covers_the_lists_of_every_app():
    pages, lists = html_pages(), api_lists()
    for expected in ("/desk/tickets/", "/clients/", "/assets/", "/intake/", "/intake/webhooks/", "/mail/",
                     "/mail/sent/", "/money/invoices/", "/knowledge/articles/", "/reviews/", "/agreements/"):
        assert expected in pages, expected
    for expected in ("/api/v1/tickets", "/api/v1/clients", "/api/v1/alerts", "/api/v1/time-entries"):
        assert expected in lists, expected
    assert len(pages) >= 30 and len(lists) >= 15
