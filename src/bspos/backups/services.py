"""`bspos backup` and `bspos restore`: one archive with the database, the uploaded files and a manifest.

Archive (a gzipped tar, optionally sealed by ``crypto``)::

    manifest.json          format, bspos version, database vendor, applied migrations, rows and a checksum per
                           table, a checksum per member
    database/db.sqlite3    SQLite: a consistent copy from the online backup API
    database/db.pgdump     PostgreSQL: pg_dump's custom format, taken in the same snapshot as the checksums
    files/…                everything under BSPOS_DATA_DIR but the database, the secret key, static files and
                           backups (mail and attachments)

Restore checks everything before it touches anything, backs up the current database first, replaces the database
in one transaction (PostgreSQL) or one file copy (SQLite), checks the tables against the manifest, puts the files in
place, migrates an older archive forward, and puts the pre-restore state back if any step fails.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from bspos.backups import crypto

FORMAT = 1
SKIPPED_FILES = {"secret_key", "static", "backups", "vault.key"}  # the vault key only when asked (below)


class BackupError(Exception):
    """A backup or restore refused, with the reason a person can act on."""


@dataclass(frozen=True)
class Result:
    path: Path
    tables: int
    rows: int
    files: int


def backup_dir() -> Path:
    return Path(os.environ.get("BSPOS_BACKUP_DIR") or settings.DATA_DIR / "backups")


def _vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(cursor, tables: list[str], quote) -> dict[str, dict]:
    """Rows and a checksum of every table, rows in a total order (every column), values as the driver gives them."""
    result = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote(table)} LIMIT 0")
        columns = len(cursor.description)
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {', '.join(str(i + 1) for i in range(columns))}")
        digest, rows = hashlib.sha256(), 0
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode())
                digest.update(b"\n")
            rows += len(batch)
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def sqlite_fingerprint(path: Path) -> dict[str, dict]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = db.cursor()
        names = [r[0] for r in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return _fingerprint(cursor, names, lambda n: '"' + n.replace('"', '""') + '"')
    finally:
        db.close()


def postgres_fingerprint() -> dict[str, dict]:
    with connection.cursor() as cursor:
        return _fingerprint(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def fingerprint() -> dict[str, dict]:
    """The current database's tables: what a round trip must give back."""
    if _vendor() == "sqlite":
        connection.close()
        return sqlite_fingerprint(_sqlite_path())
    return postgres_fingerprint()


def _pg_env() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = ["-h", s.get("HOST") or "localhost", "-p", str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres"]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _run(command: list[str], *, env: dict, stdin=None, what: str) -> None:
    done = subprocess.run(command, env=env, stdin=stdin, capture_output=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.decode(errors='replace').strip()[-2000:]}")


def _dump_database(work: Path) -> tuple[Path, dict]:
    if _vendor() == "sqlite":
        target = work / "db.sqlite3"
        connection.close()
        source, copy = sqlite3.connect(_sqlite_path()), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return target, sqlite_fingerprint(target)
    target = work / "db.pgdump"
    args, env = _pg_env()
    connection.ensure_connection()
    with connection.cursor() as cursor:  # the dump and the checksums see one snapshot
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  "-f", str(target), connection.settings_dict["NAME"]], env=env, what="pg_dump")
            tables = _fingerprint(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
        finally:
            cursor.execute("COMMIT")
    return target, tables


def _data_files() -> list[Path]:
    root = Path(settings.DATA_DIR)
    skipped = set(SKIPPED_FILES)
    if _vendor() == "sqlite":
        name = _sqlite_path().name
        skipped |= {name, f"{name}-wal", f"{name}-shm", f"{name}-journal"}
    files = []
    for top in sorted(root.iterdir()) if root.exists() else []:
        if top.name in skipped or top.name.startswith("test") or top.suffix in {".sqlite3", ".sqlite3-wal"}:
            continue
        files += [p for p in ([top] if top.is_file() else sorted(top.rglob("*"))) if p.is_file()]
    return files


def _migrations() -> dict[str, list[str]]:
    applied = MigrationLoader(connection, ignore_no_migrations=True).applied_migrations
    result: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        result.setdefault(app, []).append(name)
    return result


def backup(output: Path | None = None, *, encrypt: bool | None = None, prefix: str = "bspos",
           include_vault_key: bool = False) -> Result:
    """Write one archive of the database and the data files; returns where and what it holds. With
    `include_vault_key` the credentials vault's keys go in too (as files/vault.key), only into an encrypted one."""
    key = crypto.key_from_env()
    if encrypt and key is None:
        raise BackupError("Set BSPOS_BACKUP_KEY to encrypt (`bspos backup --new-key` makes one).")
    encrypt = key is not None if encrypt is None else encrypt
    if include_vault_key and not encrypt:
        raise BackupError("The vault key goes only into an encrypted archive: set BSPOS_BACKUP_KEY "
                          "(`bspos backup --new-key`).")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    output = Path(output) if output else backup_dir() / f"{prefix}-{stamp}.tar.gz{'.enc' if encrypt else ''}"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bspos-backup-") as tmp:
        work = Path(tmp)
        database, tables = _dump_database(work)
        files = _data_files()
        root = Path(settings.DATA_DIR)
        members = {f"database/{database.name}": _sha256(database)}
        members.update({f"files/{p.relative_to(root).as_posix()}": _sha256(p) for p in files})
        vault_key = None
        if include_vault_key:
            from bspos.vault.crypto import VaultKeyError, keyring_text

            vault_key = work / "vault.key"
            try:
                vault_key.write_text(keyring_text())
            except VaultKeyError as error:
                raise BackupError(str(error)) from None
            members["files/vault.key"] = _sha256(vault_key)
        manifest = {"format": FORMAT, "bspos_version": version("bspos"), "created_at": timezone.now().isoformat(),
                    "vendor": _vendor(), "migrations": _migrations(), "tables": tables, "members": members}
        archive = work / "archive.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=f"database/{database.name}")
            for path in files:
                tar.add(path, arcname=f"files/{path.relative_to(root).as_posix()}")
            if vault_key is not None:
                tar.add(vault_key, arcname="files/vault.key")
        partial = output.with_name(output.name + ".partial")
        if encrypt:
            crypto.encrypt_file(archive, partial, key)
        else:
            shutil.copyfile(archive, partial)
        partial.chmod(0o600)
        partial.replace(output)  # a half-written archive never carries the final name
    return Result(path=output, tables=len(tables), rows=sum(t["rows"] for t in tables.values()), files=len(files))


@dataclass(frozen=True)
class Checked:
    manifest: dict
    folder: Path


def check(archive: Path, folder: Path) -> Checked:
    """Open and verify an archive into ``folder``: readable, every checksum right, same vendor, not newer."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No archive at {archive}.")
    plain = archive
    if crypto.is_encrypted(archive):
        plain = folder / "archive.tar.gz"
        try:
            crypto.decrypt_file(archive, plain, crypto.key_from_env())
        except crypto.BackupKeyError as error:
            raise BackupError(str(error)) from None
    try:
        with tarfile.open(plain, "r:*") as tar:
            tar.extractall(folder / "x", filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"Not a readable bspos archive ({error}).") from None
    root = folder / "x"
    try:
        manifest = json.loads((root / "manifest.json").read_text())
    except (OSError, ValueError):
        raise BackupError("The archive has no readable manifest.json: not a bspos backup.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Archive format {manifest.get('format')} is not one this bspos reads ({FORMAT}).")
    if manifest.get("vendor") != _vendor():
        raise BackupError(f"The archive holds a {manifest.get('vendor')} database; this bspos runs on {_vendor()}. "
                          "Restore it on the same kind of database.")
    for name, digest in manifest.get("members", {}).items():
        path = root / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{name} is missing or damaged in the archive (checksum differs); nothing restored.")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
               if (app, name) not in known]
    if unknown:
        raise BackupError(f"The archive comes from a newer bspos ({manifest.get('bspos_version')}; migrations "
                          f"{', '.join(unknown[:5])}…): upgrade bspos first, then restore.")
    return Checked(manifest=manifest, folder=root)


def _replace_database(checked: Checked) -> None:
    database = next((checked.folder / "database").iterdir())
    if _vendor() == "sqlite":
        connection.close()
        source, target = sqlite3.connect(database), sqlite3.connect(_sqlite_path())
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    args, env = _pg_env()
    connection.close()
    # pg_restore writes the dump as SQL into psql, which runs it after emptying the schema, all in one transaction
    # (psql 15 wraps every -c and -f in it): a failure anywhere leaves the current database as it was.
    reader = subprocess.Popen(["pg_restore", "--no-owner", "--no-privileges", "-f", "-", str(database)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _run(["psql", *args, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
              "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;", "-f", "-",
              "-d", connection.settings_dict["NAME"]], env=env, stdin=reader.stdout, what="Restoring the dump")
    finally:
        reader.stdout.close()
        errors = reader.stderr.read().decode(errors="replace")
        reader.stderr.close()
        if reader.wait() != 0:
            raise BackupError(f"pg_restore could not read the dump: {errors[-2000:]}")


def _replace_files(checked: Checked, aside: Path) -> None:
    """Move the current data files aside and put the archive's in place."""
    root = Path(settings.DATA_DIR)
    for path in _data_files():
        target = aside / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
    source = checked.folder / "files"
    if source.exists():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = root / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)


def _put_files_back(aside: Path) -> None:
    root = Path(settings.DATA_DIR)
    for path in _data_files():
        path.unlink()
    for path in sorted(aside.rglob("*")):
        if path.is_file():
            target = root / path.relative_to(aside)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)


def restore(archive: Path, *, progress=lambda text: None) -> Result:
    """Replace the database and data files with an archive's, after checking it; all or nothing."""
    with tempfile.TemporaryDirectory(prefix="bspos-restore-") as tmp:
        work = Path(tmp)
        checked = check(archive, work)
        progress("Archive checked: every checksum matches.")
        safety = backup(prefix="bspos-pre-restore")
        progress(f"Current database saved to {safety.path}.")
        aside = work / "aside"
        try:
            _replace_database(checked)
            restored = fingerprint()
            expected = checked.manifest["tables"]
            if restored != expected:
                differs = sorted(t for t in set(restored) | set(expected) if restored.get(t) != expected.get(t))
                raise BackupError(f"The restored tables differ from the archive's ({', '.join(differs[:5])}).")
            _replace_files(checked, aside)
            call_command("migrate", interactive=False, verbosity=0)
        except Exception as error:
            progress(f"Restore failed ({error}); putting the previous state back.")
            with tempfile.TemporaryDirectory(prefix="bspos-rollback-") as back:
                _replace_database(check(safety.path, Path(back)))
            if aside.exists():
                _put_files_back(aside)
            raise
        tables = checked.manifest["tables"]
        return Result(path=Path(archive), tables=len(tables), rows=sum(t["rows"] for t in tables.values()),
                      files=sum(1 for name in checked.manifest["members"] if name.startswith("files/")))


def prune(*, keep: int | None = None, max_age_days: int | None = None) -> list[Path]:
    """Retention for the scheduled backups: keep the newest ``keep`` and none older than ``max_age_days`` (the
    newest is always kept). Archives made before a restore are left alone."""
    keep = int(os.environ.get("BSPOS_BACKUP_KEEP", "14")) if keep is None else keep
    max_age_days = int(os.environ.get("BSPOS_BACKUP_MAX_AGE_DAYS", "30")) if max_age_days is None else max_age_days
    folder = backup_dir()
    archives = sorted((p for p in folder.glob("bspos-2*.tar.gz*") if not p.name.endswith(".partial")),
                      key=lambda p: p.name, reverse=True) if folder.exists() else []
    oldest = timezone.now() - timedelta(days=max_age_days)
    removed = []
    for index, path in enumerate(archives):
        too_old = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) < oldest
        if index > 0 and (index >= keep or too_old):
            path.unlink()
            removed.append(path)
    return removed
