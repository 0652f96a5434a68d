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
