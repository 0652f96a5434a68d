"""The vault's encryption: nothing readable in the database, a wrong or missing key fails closed, rotation."""

import pytest
from django.core.management import call_command
from django.db import connection

from bspos.vault import crypto, services
from bspos.vault.models import Credential
from bspos.vault.tests.conftest import KEY_ONE, KEY_TWO

pytestmark = pytest.mark.django_db


def _raw_row(credential) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM vault_credential WHERE id = %s", [credential.pk])
        return b"|".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
                         for v in cursor.fetchone())


def test_the_database_row_never_holds_the_secret_notes_or_seed(firewall):
    raw = _raw_row(firewall)
    for plain in (b"correct horse battery staple 42", b"Break-glass account", b"JBSWY3DPEHPK3PXP"):
        assert plain not in raw
    assert services.open_credential(Credential.objects.get(pk=firewall.pk)).secret == "correct horse battery staple 42"


def test_each_secret_has_its_own_data_key(company, tech):
    one = services.create_credential(by=tech, client=company, name="A", secret="same")
    two = services.create_credential(by=tech, client=company, name="B", secret="same")
    assert bytes(one.wrapped_key) != bytes(two.wrapped_key)
    assert bytes(one.secret_sealed) != bytes(two.secret_sealed)


def test_a_wrong_key_with_the_same_id_fails_closed(firewall, monkeypatch):
    monkeypatch.setenv("BSPOS_VAULT_KEYS", crypto.new_key_line("k1"))
    with pytest.raises(crypto.VaultKeyError, match="vault key is wrong"):
        services.open_credential(Credential.objects.get(pk=firewall.pk))


def test_a_ciphertext_moved_to_another_credential_does_not_open(firewall, company, tech):
    other = services.create_credential(by=tech, client=company, name="Other", secret="something else")
    Credential.objects.filter(pk=other.pk).update(wrapped_key=firewall.wrapped_key,
                                                  secret_sealed=firewall.secret_sealed)
    with pytest.raises(crypto.VaultKeyError):
        services.open_credential(Credential.objects.get(pk=other.pk))


def test_notes_sealed_as_the_secret_do_not_open_as_the_secret(firewall):
    Credential.objects.filter(pk=firewall.pk).update(secret_sealed=firewall.notes_sealed)
    with pytest.raises(crypto.VaultKeyError):
        services.open_credential(Credential.objects.get(pk=firewall.pk))


def test_without_a_key_nothing_is_written(company, tech, monkeypatch, settings, tmp_path):
    monkeypatch.delenv("BSPOS_VAULT_KEYS")
    monkeypatch.setenv("BSPOS_VAULT_KEY_FILE", str(tmp_path / "missing.key"))
    with pytest.raises(crypto.VaultKeyError, match="missing"):
        services.create_credential(by=tech, client=company, name="A", secret="s3cret")
    assert not Credential.objects.exists()


def test_the_embedded_run_makes_a_key_file_once_outside_the_database(company, tech, monkeypatch, settings):
    monkeypatch.delenv("BSPOS_VAULT_KEYS")
    services.create_credential(by=tech, client=company, name="A", secret="s3cret")
    key_file = settings.DATA_DIR / "vault.key"
    first = key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    services.create_credential(by=tech, client=company, name="B", secret="s3cret")
    assert key_file.read_text() == first
    assert all(services.open_credential(c).secret == "s3cret" for c in Credential.objects.all())


def test_rotation_rewraps_under_the_new_key_and_the_old_key_can_then_go(firewall, company, tech, monkeypatch):
    second = services.create_credential(by=tech, client=company, name="Second", secret="another one")
    old_hash = Credential.objects.get(pk=second.pk).reuse_hash
    monkeypatch.setenv("BSPOS_VAULT_KEYS", f"{KEY_TWO},{KEY_ONE}")
    assert services.rotate_key(batch=1) == 2
    assert set(Credential.objects.values_list("key_id", flat=True)) == {"k2"}
    assert Credential.objects.get(pk=second.pk).reuse_hash != old_hash
    monkeypatch.setenv("BSPOS_VAULT_KEYS", KEY_TWO)  # the old key retired
    assert services.open_credential(Credential.objects.get(pk=firewall.pk)).totp_seed == "JBSWY3DPEHPK3PXP"
    assert services.open_credential(Credential.objects.get(pk=second.pk)).secret == "another one"
    assert services.rotate_key() == 0


def test_a_rotated_out_key_fails_closed_with_its_id(firewall, monkeypatch):
    monkeypatch.setenv("BSPOS_VAULT_KEYS", KEY_TWO)
    with pytest.raises(crypto.VaultKeyError, match="“k1”.*not configured"):
        services.open_credential(Credential.objects.get(pk=firewall.pk))


def test_rotation_with_a_missing_old_key_changes_nothing(firewall, company, tech, monkeypatch):
    before = bytes(Credential.objects.get(pk=firewall.pk).wrapped_key)
    monkeypatch.setenv("BSPOS_VAULT_KEYS", KEY_TWO)
    with pytest.raises(crypto.VaultKeyError):
        services.rotate_key()
    assert bytes(Credential.objects.get(pk=firewall.pk).wrapped_key) == before


def test_the_rotate_key_command_reports_what_it_rewrapped(firewall, monkeypatch, capsys):
    monkeypatch.setenv("BSPOS_VAULT_KEYS", f"{KEY_TWO},{KEY_ONE}")
    call_command("vault", "rotate-key")
    assert "1 data key" in capsys.readouterr().out
    assert Credential.objects.get(pk=firewall.pk).key_id == "k2"



def test_a_wrong_key_under_the_current_id_writes_nothing(firewall, company, tech, monkeypatch):
    monkeypatch.setenv("BSPOS_VAULT_KEYS", crypto.new_key_line("k1"))
    with pytest.raises(crypto.VaultKeyError, match="vault key is wrong"):
        services.create_credential(by=tech, client=company, name="New", secret="s3cret")
    assert list(Credential.objects.values_list("name", flat=True)) == ["Firewall admin"]
