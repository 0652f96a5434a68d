"""The Content-Security-Policy: every page carries it, and nothing in the UI needs what it refuses (inline script,
event-handler attributes, javascript: links, eval in htmx, style attributes or <style> blocks)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bspos.clients.tests.factories import ContactFactory
from bspos.people.models import STAFF_ROLES, Role
from bspos.people.tests.factories import UserFactory

SRC = Path(__file__).resolve().parents[3]
ROOT = SRC / "bspos"
TEMPLATES = sorted(ROOT.rglob("templates/**/*.html"))
# Rendered to PDF by WeasyPrint, never served to a browser as HTML: their <style> is the print layout.
PDF_LAYOUTS = {path for path in TEMPLATES if path.name.endswith("_pdf.html")}

POLICY = {"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
          "object-src": "'none'", "base-uri": "'self'", "frame-ancestors": "'none'", "form-action": "'self'"}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
HTMX_EVAL = re.compile(r"\bhx-on\b|\bhx-on:|hx-(?:vals|vars)\s*=\s*['\"]\s*(?:js|javascript):", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)
STYLE_BLOCK = re.compile(r"<style\b", re.I)


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def refused_in(html: str, *, pdf_layout: bool = False) -> list[str]:
    """What in `html` the policy would block, by kind."""
    found = [kind for kind, pattern in (("inline <script>", INLINE_SCRIPT), ("on…= handler", HANDLER),
                                        ("javascript: URL", JAVASCRIPT_URL), ("htmx eval", HTMX_EVAL))
             if pattern.search(html)]
    if not pdf_layout:
        found += [kind for kind, pattern in (("style attribute", STYLE_ATTRIBUTE), ("<style> block", STYLE_BLOCK))
                  if pattern.search(html)]
    return found


def test_no_template_carries_what_the_policy_refuses():
    assert len(TEMPLATES) > 50
    refused = {str(path.relative_to(ROOT)): kinds for path in TEMPLATES
               if (kinds := refused_in(path.read_text(), pdf_layout=path in PDF_LAYOUTS))}
    assert refused == {}


def test_the_scan_catches_each_kind_it_looks_for():
    assert refused_in('<form onsubmit="return confirm(1)">') == ["on…= handler"]
    assert refused_in("<script>htmx.config.x = 1</script>") == ["inline <script>"]
    assert refused_in('<a href="javascript:void(0)">') == ["javascript: URL"]
    assert refused_in('<button hx-on:click="go()">') == ["htmx eval"]
    assert refused_in('<p style="color:red">') == ["style attribute"]
    assert refused_in("<style>p{}</style>") == ["<style> block"]
    assert refused_in('<script src="/static/bspos/menus.js" defer></script><form hx-confirm="Sure?">') == []


def test_our_static_scripts_build_no_handlers_and_never_eval():
    scripts = sorted((ROOT / "static" / "bspos").glob("*.js"))
    assert scripts
    for script in scripts:
        code = script.read_text()
        assert not re.search(r"\beval\(|new Function\(|javascript:|['\"][^'\"]*\son[a-z]+=", code), script.name


def test_htmx_inserts_no_indicator_style_and_runs_no_eval():
    base = (ROOT / "templates" / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base
    assert ".htmx-indicator" in (ROOT / "static" / "bspos" / "bspos.css").read_text()


def _pages_of(user) -> list[str]:
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    menu = re.search(r'<nav aria-label="Main">(.*?)</nav>', browser.get("/account/").content.decode(), re.S)
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', menu.group(1))]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*STAFF_ROLES, Role.CLIENT_CONTACT])
def test_every_page_in_the_menu_has_the_policy_and_nothing_it_refuses(client, role):
    from bspos.servicedesk.tests.factories import TicketFactory

    if role == Role.CLIENT_CONTACT:
        contact = ContactFactory(user=UserFactory(role=role))
        user, ticket = contact.user, TicketFactory(client=contact.client, subject="Printer jams")
        extra = ["/portal/", f"/portal/{ticket.number}/", "/portal/new/"]
    else:
        user = UserFactory(role=role, is_staff=role in (Role.OWNER, Role.SERVICE_MANAGER))
        ticket = TicketFactory(subject="Printer jams")
        extra = [f"/desk/tickets/{ticket.number}/", f"/clients/{ticket.client_id}/", "/account/"]
    client.force_login(user)
    pages = [*_pages_of(user), *extra]
    answers = {page: client.get(page, follow=True) for page in pages}
    assert {page: answer.status_code for page, answer in answers.items() if answer.status_code != 200} == {}
    assert {page: policy_of(answer) for page, answer in answers.items() if policy_of(answer) != POLICY} == {}
    refused = {page: kinds for page, answer in answers.items()
               if answer["Content-Type"].startswith("text/html") and (kinds := refused_in(answer.content.decode()))}
    assert refused == {}


@pytest.mark.django_db
def test_the_sign_in_page_the_404_and_the_back_office_have_the_policy(client):
    from bspos.servicedesk.tests.factories import TicketFactory

    for page, status in (("/login/", 200), ("/no-such-page/", 404)):
        answer = client.get(page)
        assert (answer.status_code, policy_of(answer)) == (status, POLICY)
        assert refused_in(answer.content.decode()) == []
    ticket = TicketFactory()
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True))
    for page in ("/admin/", "/admin/servicedesk/ticket/", f"/admin/servicedesk/ticket/{ticket.pk}/change/"):
        answer = client.get(page)
        assert (answer.status_code, policy_of(answer)) == (200, POLICY), page
        assert refused_in(answer.content.decode()) == [], page


@pytest.mark.django_db
def test_the_api_docs_page_runs_under_the_same_policy(client):
    client.force_login(UserFactory(role=Role.TECHNICIAN))
    answer = client.get("/api/v1/docs")
    assert (answer.status_code, policy_of(answer)) == (200, POLICY)
    html = answer.content.decode()
    assert refused_in(html) == []  # its settings are a JSON <script>, its code the bundled static files
    assert "https://" not in html


def _settings_with(tmp_path, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BSPOS_CSP")}
    environment.update(PYTHONPATH=str(SRC), BSPOS_DATA_DIR=str(tmp_path), **env)
    code = ("from bspos import settings as s; import json; "
            "print(json.dumps([s.CONTENT_SECURITY_POLICY, s.CONTENT_SECURITY_POLICY_REPORT_ONLY]))")
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True,
                          timeout=120, check=True).stdout


def test_report_only_downgrades_the_policy_and_a_report_uri_is_sent(tmp_path):
    import json

    enforced, report_only = json.loads(_settings_with(tmp_path))
    assert report_only is None and enforced["DIRECTIVES"]["script-src"] == ["'self'"]
    assert "report-uri" not in enforced["DIRECTIVES"]
    enforced, report_only = json.loads(_settings_with(tmp_path, BSPOS_CSP_REPORT_ONLY="true",
                                                      BSPOS_CSP_REPORT_URI="https://csp.example.com/r"))
    assert enforced is None
    assert report_only["DIRECTIVES"]["report-uri"] == ["https://csp.example.com/r"]
    assert report_only["DIRECTIVES"]["script-src"] == ["'self'"]


def test_an_articles_aligned_table_columns_use_classes_not_style_attributes():
    from bspos.knowledge.markdown import render

    html = render("| item | cost |\n|:-:|-:|\n| EDR | 30 |")
    assert refused_in(html) == []
    assert '<th class="align-center">item</th>' in html and '<td class="align-right">30</td>' in html
