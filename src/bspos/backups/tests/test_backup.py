"""Backup and restore round trips on the database the suite runs on (SQLite, and PostgreSQL in its second run)."""

import io
import json
import os
import tarfile
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bspos.backups import crypto, services
from bspos.clients.models import Client
from bspos.clients.tests.factories import ContactFactory
from bspos.servicedesk.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data_dir(tmp_path, settings, monkeypatch):
    settings.DATA_DIR = tmp_path / "data"
    (settings.DATA_DIR / "mail" / "2026").mkdir(parents=True)
    (settings.DATA_DIR / "mail" / "2026" / "raw.eml").write_bytes(b"Subject: kept\r\n\r\nbody")
    (settings.DATA_DIR / "secret_key").write_text("never in a backup")
    monkeypatch.setenv("BSPOS_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.delenv("BSPOS_BACKUP_KEY", raising=False)
    return settings.DATA_DIR


@pytest.fixture
def some_data():
    contact = ContactFactory(client__name="Northwind")
    for n in range(3):
        TicketFactory(client=contact.client, contact=contact, subject=f"Printer {n} jammed")
    return contact


def test_round_trip_into_an_empty_database_gives_identical_tables_and_files(data_dir, some_data, tmp_path):
    before = services.fingerprint()
    result = services.backup(tmp_path / "one.tar.gz")
    assert result.rows == sum(t["rows"] for t in before.values()) and result.files == 1

    call_command("flush", interactive=False, verbosity=0)
    (data_dir / "mail" / "2026" / "raw.eml").unlink()
    assert services.fingerprint() != before

    services.restore(result.path)
    assert services.fingerprint() == before
    assert Client.objects.get(name="Northwind").tickets.count() == 3
    assert (data_dir / "mail" / "2026" / "raw.eml").read_bytes() == b"Subject: kept\r\n\r\nbody"


def test_the_archive_has_a_manifest_and_never_the_secret_key(data_dir, some_data, tmp_path):
    path = services.backup(tmp_path / "one.tar.gz").path
    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "files/secret_key" not in names and "files/mail/2026/raw.eml" in names
    assert manifest["tables"]["clients_client"]["rows"] == 1
    assert "0001_initial" in manifest["migrations"]["servicedesk"]
    assert set(manifest["members"]) == set(names) - {"manifest.json"}


def test_restore_made_before_a_restore_keeps_the_current_database(data_dir, some_data, tmp_path):
    archive = services.backup(tmp_path / "one.tar.gz").path
    ContactFactory(client__name="Added after the backup")
    services.restore(archive)
    assert not Client.objects.filter(name="Added after the backup").exists()
    safety = sorted((tmp_path / "backups").glob("bspos-pre-restore-*"))
    assert len(safety) == 1
    services.restore(safety[0])
    assert Client.objects.filter(name="Added after the backup").exists()


def _rewrite(archive: Path, target: Path, change) -> Path:
    """Copy an archive, passing each member's bytes through ``change(name, data)``."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def _refused(archive: Path, message: str) -> None:
    before = services.fingerprint()
    with pytest.raises(services.BackupError, match=message):
        services.restore(archive)
    assert services.fingerprint() == before


def test_a_damaged_archive_is_refused_before_anything_changes(data_dir, some_data, tmp_path):
    good = services.backup(tmp_path / "good.tar.gz").path
    ContactFactory(client__name="Still here")

    damaged = _rewrite(good, tmp_path / "damaged.tar.gz",
                       lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("database/") else data)
    _refused(damaged, "damaged")

    (tmp_path / "garbage.tar.gz").write_bytes(b"not an archive")
    _refused(tmp_path / "garbage.tar.gz", "Not a readable bspos archive")
    assert Client.objects.filter(name="Still here").exists()
    assert not list((tmp_path / "backups").glob("bspos-pre-restore-*"))


def test_an_archive_from_a_newer_bspos_or_another_database_is_refused(data_dir, some_data, tmp_path):
    good = services.backup(tmp_path / "good.tar.gz").path

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["servicedesk"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    _refused(_rewrite(good, tmp_path / "newer.tar.gz", newer), "newer bspos")

    def other_vendor(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["vendor"] = "oracle"
        return json.dumps(manifest).encode()

    _refused(_rewrite(good, tmp_path / "oracle.tar.gz", other_vendor), "oracle database")


def test_a_failure_during_restore_puts_the_previous_state_back(data_dir, some_data, tmp_path, monkeypatch):
    archive = services.backup(tmp_path / "one.tar.gz").path
    ContactFactory(client__name="Current")
    (data_dir / "mail" / "new.eml").write_bytes(b"current file")
    before = services.fingerprint()

    def migrate_fails(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "call_command", migrate_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        services.restore(archive)
    assert services.fingerprint() == before
    assert (data_dir / "mail" / "new.eml").read_bytes() == b"current file"


def test_encrypted_archives_need_their_key(data_dir, some_data, tmp_path, monkeypatch):
    key = crypto.new_key()
    monkeypatch.setenv("BSPOS_BACKUP_KEY", key)
    before = services.fingerprint()
    path = services.backup().path
    assert path.name.endswith(".tar.gz.enc") and crypto.is_encrypted(path)
    assert b"Northwind" not in path.read_bytes()
    call_command("flush", interactive=False, verbosity=0)
    services.restore(path)
    assert services.fingerprint() == before

    monkeypatch.setenv("BSPOS_BACKUP_KEY", crypto.new_key())
    _refused(path, "does not open with this key")
    monkeypatch.delenv("BSPOS_BACKUP_KEY")
    _refused(path, "set BSPOS_BACKUP_KEY")

    monkeypatch.setenv("BSPOS_BACKUP_KEY", "x" * 10)
    with pytest.raises(crypto.BackupKeyError, match="32 bytes"):
        services.backup()


def test_streamed_encryption_detects_truncation_and_reordering(tmp_path):
    key = bytes(range(32))
    plain = tmp_path / "plain"
    plain.write_bytes(bytes(range(256)) * (crypto.CHUNK // 128 + 7))  # three chunks
    sealed, opened = tmp_path / "sealed", tmp_path / "opened"
    crypto.encrypt_file(plain, sealed, key)
    crypto.decrypt_file(sealed, opened, key)
    assert opened.read_bytes() == plain.read_bytes()

    data = sealed.read_bytes()
    header, size = len(crypto.MAGIC) + crypto.PREFIX_BYTES, crypto.CHUNK + crypto.TAG
    (tmp_path / "truncated").write_bytes(data[: header + 2 * size])  # drops the last chunk
    first, second = data[header: header + size], data[header + size: header + 2 * size]
    (tmp_path / "swapped").write_bytes(data[:header] + second + first + data[header + 2 * size:])
    for name in ("truncated", "swapped"):
        with pytest.raises(crypto.BackupKeyError):
            crypto.decrypt_file(tmp_path / name, tmp_path / "out", key)


def test_commands(data_dir, some_data, tmp_path, capsys):
    call_command("backup", output=str(tmp_path / "c.tar.gz"))
    assert "Backed up" in capsys.readouterr().out
    call_command("restore", str(tmp_path / "c.tar.gz"), check=True)
    assert "every checksum matches" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)


def test_retention_keeps_the_newest_by_count_and_age(tmp_path, monkeypatch):
    monkeypatch.setenv("BSPOS_BACKUP_DIR", str(tmp_path))
    now = time.time()
    for day in range(10):
        path = tmp_path / f"bspos-202611{20 - day:02d}-023000.tar.gz"
        path.write_bytes(b"x")
        os.utime(path, (now - day * 86400, now - day * 86400))
    (tmp_path / "bspos-pre-restore-20260101-000000.tar.gz").write_bytes(b"kept")

    removed = services.prune(keep=5, max_age_days=30)
    assert len(removed) == 5
    removed = services.prune(keep=5, max_age_days=2)  # ages 0, 1 stay; 2 days and older go
    assert sorted(p.name for p in tmp_path.glob("bspos-2*")) == ["bspos-20261119-023000.tar.gz",
                                                                   "bspos-20261120-023000.tar.gz"]
    assert (tmp_path / "bspos-pre-restore-20260101-000000.tar.gz").exists()
    for path in tmp_path.glob("bspos-2*"):
        os.utime(path, (now - 90 * 86400, now - 90 * 86400))
    services.prune(keep=5, max_age_days=30)
    assert len(list(tmp_path.glob("bspos-2*"))) == 1  # the newest is always kept


@pytest.mark.slow
def test_the_demo_msp_round_trips_table_for_table(data_dir, tmp_path):
    call_command("demo", verbosity=0)
    before = services.fingerprint()
    archive = services.backup(tmp_path / "demo.tar.gz").path
    call_command("flush", interactive=False, verbosity=0)
    services.restore(archive)
    after = services.fingerprint()
    assert {t: v["rows"] for t, v in after.items()} == {t: v["rows"] for t, v in before.items()}
    assert after == before
    assert before["servicedesk_ticket"]["rows"] > 100
