"""Recovery codes: shown once, stored only as digests, each signs in once, and new ones replace the old."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from bspos.people import two_factor
from bspos.people.models import RecoveryCode, RecoveryCodes
from bspos.people.tests.factories import UserFactory
from bspos.people.tests.test_two_factor import PASSWORD, current_code, password_step, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech():
    return UserFactory(username="kim", password=PASSWORD)


@pytest.fixture
def codes(tech):
    two_factor.start_authenticator(user=tech, name="Phone")
    return two_factor.confirm_authenticator(user=tech, code=current_code(two_factor.pending_authenticator(tech)))


def test_the_database_keeps_no_recovery_code_in_plain_text(tech, codes):
    assert len(codes) == 10 and len(set(codes)) == 10
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT digest FROM {RecoveryCode._meta.db_table}")
        stored = {row[0] for row in cursor.fetchall()}
    assert len(stored) == 10
    for code in codes:
        plain = code.replace("-", "")
        assert not any(plain in digest or code in digest for digest in stored)


def test_a_code_signs_in_once_however_it_is_typed(client, tech, codes):
    password_step(client)
    client.post(reverse("login_code"), {"code": codes[3].upper().replace("-", " ")})
    assert signed_in(client)
    client.logout()
    password_step(client)
    assert client.post(reverse("login_code"), {"code": codes[3]}).status_code == 400
    assert not signed_in(client) and two_factor.recovery_codes_left(tech) == 9


def test_new_codes_are_shown_once_and_the_old_ones_stop_working(client, tech, codes):
    client.force_login(tech)
    response = client.post(reverse("people:two_factor"), {"action": "recovery"})
    new = re.findall(r"<li><code>([a-z2-9-]{19})</code></li>", response.content.decode())
    assert response.status_code == 200 and len(new) == 10 and not set(new) & set(codes)
    again = client.get(reverse("people:two_factor"))
    assert not any(code.encode() in again.content for code in new)  # not shown a second time
    assert b"10 unused recovery codes left" in again.content
    assert isinstance(two_factor.verify(tech, new[0]), RecoveryCodes)
    assert two_factor.verify(tech, codes[0]) is None


def test_no_recovery_codes_without_an_app_or_passkey(client, tech):
    client.force_login(tech)
    response = client.post(reverse("people:two_factor"), {"action": "recovery"})
    assert response.status_code == 400 and b"first" in response.content
    assert not RecoveryCode.objects.exists()


def test_codes_made_before_this_release_are_hashed_and_the_plain_ones_deleted(tech):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("bspos.people.migrations.0004_recovery_codes_hashed")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE otp_static_staticdevice (id integer PRIMARY KEY, user_id integer, confirmed bool)")
        cursor.execute("CREATE TABLE otp_static_statictoken (id integer PRIMARY KEY, device_id integer, token text)")
        cursor.execute("INSERT INTO otp_static_staticdevice VALUES (1, %s, %s)", [tech.pk, True])
        cursor.execute("INSERT INTO otp_static_statictoken VALUES (1, 1, 'abcdef1234'), (2, 1, 'zz99zz99zz')")
    try:
        migration.hash_plain_recovery_codes(apps, SimpleNamespace(connection=connection))
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM otp_static_statictoken")
            assert cursor.fetchone()[0] == 0
        assert two_factor.recovery_codes_left(tech) == 2
        assert isinstance(two_factor.verify(tech, "ABCDEF1234"), RecoveryCodes)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE otp_static_statictoken")
            cursor.execute("DROP TABLE otp_static_staticdevice")
