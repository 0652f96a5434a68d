"""Intake rate limit per source: a token bucket in the database, a minute's worth at once, refilled at the rate."""

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bspos.intake import services
from bspos.intake.models import Alert, RateBucket
from bspos.servicedesk.models import Ticket

URL = "/api/v1/alerts"


@pytest.fixture
def clock(monkeypatch):
    """The time the rate limit reads; `clock.advance(seconds)` moves it on."""

    class Clock:
        at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

        def advance(self, seconds: float) -> None:
            self.at += timedelta(seconds=seconds)

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.at)
    return frozen


def send(api, key: str):
    body = {"key": key, "title": f"Disk full ({key})", "host": "web1", "severity": "critical"}
    return api.post(URL, data=json.dumps(body), content_type="application/json")


def limit(source, per_minute: int) -> None:
    services.update_source(source, rate_per_minute=per_minute)
    source.refresh_from_db()


def test_the_request_over_the_limit_is_429_with_retry_after_and_stores_nothing(api, source, web1, clock):
    limit(source[0], 3)
    assert [send(api, f"disk-{n}").status_code for n in range(3)] == [200, 200, 200]
    alerts, tickets = Alert.objects.count(), Ticket.objects.count()
    refused = send(api, "disk-over")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"  # 3 a minute: the next token in 20 seconds
    assert "Retry-After" in refused.json()["detail"]
    assert (Alert.objects.count(), Ticket.objects.count()) == (alerts, tickets)
    assert not Alert.objects.filter(fingerprint="disk-over").exists()


def test_another_source_is_not_limited_by_the_first(api, source, web1, clock):
    limit(source[0], 2)
    send(api, "a"), send(api, "b")
    assert send(api, "c").status_code == 429
    _, other_token = services.create_source(name="Tactical RMM")
    other = HttpClient(headers={"Authorization": f"Bearer {other_token}"})
    assert send(other, "rmm-1").status_code == 200


def test_the_bucket_refills_with_time_but_never_beyond_a_minutes_worth(api, source, web1, clock):
    limit(source[0], 3)
    for n in range(3):
        send(api, f"disk-{n}")
    assert send(api, "early").status_code == 429
    clock.advance(19)
    assert send(api, "still-early").status_code == 429
    clock.advance(1)  # 20 s: one token back
    assert send(api, "one-more").status_code == 200
    assert send(api, "again-too-soon").status_code == 429
    clock.advance(3600)  # an hour idle fills the bucket to a minute's worth, not sixty
    assert [send(api, f"after-{n}").status_code for n in range(4)] == [200, 200, 200, 429]


def test_a_refused_request_does_not_use_up_a_token(api, source, web1, clock):
    limit(source[0], 60)  # one a second
    for n in range(60):
        send(api, f"d{n}")
    for _ in range(5):
        assert send(api, "hammering").status_code == 429
    clock.advance(1)
    assert send(api, "after-a-second").status_code == 200


def test_without_its_own_rate_a_source_gets_the_installs(api, source, web1, clock, settings):
    settings.BSPOS_INTAKE_RATE_PER_MINUTE = 2
    assert [send(api, f"k{n}").status_code for n in range(3)] == [200, 200, 429]


def test_an_unknown_token_is_refused_before_any_bucket_is_touched(source, clock):
    stranger = HttpClient(headers={"Authorization": "Bearer bsa_not-a-real-token"})
    assert send(stranger, "x").status_code == 401
    assert not RateBucket.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_take_more_tokens_than_the_bucket_holds(source):
    limit(source[0], 5)
    at = timezone.now().timestamp()
    barrier = threading.Barrier(8)
    waits, errors = [], []

    def take() -> None:
        try:
            barrier.wait(timeout=10)
            waits.append(services.take_request_token(source=source[0], now=at))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(waits, key=lambda w: w or 0) == [None] * 5 + [12] * 3  # 5 a minute: a token every 12 s
    assert RateBucket.objects.get().tokens == pytest.approx(0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(per_minute=st.integers(1, 1000), gaps=st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=60))
def test_no_sequence_of_requests_gets_more_than_the_burst_plus_the_refill(source, per_minute, gaps):
    """Over any span, the requests let through are at most a minute's worth plus the rate × the span."""
    RateBucket.objects.all().delete()
    source[0].rate_per_minute = per_minute
    at, start, allowed = 1_000_000.0, 1_000_000.0, 0
    for gap in gaps:
        at += gap
        wait = services.take_request_token(source=source[0], now=at)
        allowed += wait is None
        assert wait is None or 1 <= wait <= 60 / per_minute + 1
    assert allowed <= per_minute + (at - start) * per_minute / 60 + 1e-6
    assert allowed >= min(len(gaps), per_minute)  # the burst always goes through


def test_a_source_created_on_the_page_keeps_its_own_rate_and_the_list_shows_every_rate(client, source):
    from django.urls import reverse

    from bspos.intake.models import AlertSource
    from bspos.people.models import Role
    from bspos.people.tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.OWNER))
    page = client.post(reverse("intake:source-new"), {"name": "Tactical RMM", "kind": "generic",
                                                      "default_priority": "3", "refire": "reopen",
                                                      "rate_per_minute": "30"})
    assert page.status_code == 200
    assert AlertSource.objects.get(name="Tactical RMM").rate_per_minute == 30
    listed = client.get(reverse("intake:sources")).content.decode()
    assert '<td class="num">30</td>' in listed and '<td class="num">600 (default)</td>' in listed
    refused = client.post(reverse("intake:source-new"), {"name": "Zero", "default_priority": "3",
                                                         "refire": "reopen", "rate_per_minute": "0"})
    assert refused.status_code == 422 and not AlertSource.objects.filter(name="Zero").exists()
    assert "Requests a minute" in refused.content.decode()
