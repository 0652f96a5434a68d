"""`bspos backup --include-vault-key`: the vault's key in the archive only when asked, and only encrypted."""

import tarfile

import pytest

from bspos.backups import crypto as backup_crypto
from bspos.backups import services as backups
from bspos.vault import services

pytestmark = pytest.mark.django_db(transaction=True)  # a backup closes the connection (as the backups tests do)


def test_a_backup_holds_the_vault_key_only_when_asked_and_only_encrypted(company, monkeypatch, tmp_path, settings):
    monkeypatch.delenv("BSPOS_VAULT_KEYS")
    services.create_credential(by=None, client=company, name="Made with the file key", secret="s")
    assert (settings.DATA_DIR / "vault.key").exists()
    monkeypatch.setenv("BSPOS_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.delenv("BSPOS_BACKUP_KEY", raising=False)
    plain = backups.backup(tmp_path / "plain.tar.gz")
    with tarfile.open(plain.path) as tar:
        assert "files/vault.key" not in tar.getnames()
    with pytest.raises(backups.BackupError, match="encrypted archive"):
        backups.backup(tmp_path / "refused.tar.gz", include_vault_key=True)
    monkeypatch.setenv("BSPOS_BACKUP_KEY", backup_crypto.new_key())
    sealed = backups.backup(tmp_path / "sealed.tar.gz.enc", include_vault_key=True)
    key_line = (settings.DATA_DIR / "vault.key").read_text().strip()
    assert key_line.split(":")[1].encode() not in sealed.path.read_bytes()
    backup_crypto.decrypt_file(sealed.path, tmp_path / "opened.tar.gz", backup_crypto.key_from_env())
    with tarfile.open(tmp_path / "opened.tar.gz") as tar:
        assert tar.extractfile("files/vault.key").read().decode().strip() == key_line
