from django.contrib.staticfiles import finders
from django.test import Client


def test_the_stylesheet_and_htmx_are_vendored_and_found():
    assert finders.find("bspos/bspos.css")
    assert finders.find("vendor/htmx.min.js")


def test_pages_reference_only_local_assets(db):
    page = Client().get("/login/").content.decode()
    assert "/static/bspos/bspos.css" in page and "/static/vendor/htmx.min.js" in page
    assert "http://" not in page and "https://" not in page  # no CDN


def test_health_answers_ok(db):
    assert Client().get("/health/").json() == {"status": "ok"}


def test_health_answers_503_when_the_database_cannot_be_queried(db):
    """The container's HEALTHCHECK reads this: a web process that lost its database is unhealthy."""
    from unittest import mock

    from django.db import OperationalError, connection

    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_no_page_names_the_source_texts():
    """The rules come from the source texts; their names ("seed 000") belong in Python comments and docs, never in
    a template (not even a template comment, which the next editor copies into the page) or a field's help text."""
    import re
    from pathlib import Path

    from django.apps import apps

    root = Path(__file__).resolve().parents[2]
    shown = re.compile(r"seed\s*0\d\d", re.IGNORECASE)
    leaks = [str(path.relative_to(root)) for path in root.rglob("templates/**/*.html")
             if shown.search(path.read_text())]
    leaks += [f"{model.__name__}.{field.name}" for model in apps.get_models() for field in model._meta.get_fields()
              if shown.search(str(getattr(field, "help_text", "")))]
    assert leaks == []


def test_no_string_a_page_or_the_api_can_show_names_the_source_texts():
    """Labels, messages and choices live in Python strings too (scorecard and vCIO labels, API descriptions):
    outside comments and docstrings of internal code, none names a source text."""
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    shown = re.compile(r"seed\s*0\d\d", re.IGNORECASE)
    leaks = []
    for path in root.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        tree = ast.parse(path.read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        api_module = path.name == "api.py"  # an endpoint's docstring is its description in the API docs
        leaks += [f"{path.relative_to(root)}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and shown.search(node.value)
                  and (api_module or id(node) not in docstrings)]
    assert leaks == []


def test_the_api_documentation_names_no_source_text(client, db):
    import re

    assert not re.search(r"seed\s*0\d\d", client.get("/api/v1/openapi.json").content.decode(), re.IGNORECASE)
