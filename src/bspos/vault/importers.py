"""Importing credentials from other tools: ITFlow's and IT Glue's CSV exports, Bitwarden's JSON export.

Every row is read and checked first; any bad row refuses the whole file (each problem named by its row) and
nothing is written. Columns are matched by name, case-insensitive, so either tool's header works.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from bspos.vault import services
from bspos.vault.models import Credential

FORMATS = {"itflow": "ITFlow (CSV)", "itglue": "IT Glue (CSV)", "bitwarden": "Bitwarden (JSON)"}
# column names each export uses, first match wins
COLUMNS = {
    "name": ("name", "login_name", "title"),
    "username": ("username", "login_username", "user"),
    "secret": ("password", "login_password"),
    "url": ("url", "uri", "login_uri", "website"),
    "notes": ("notes", "note", "login_note", "description", "login_description"),
    "totp_seed": ("totp", "otp_secret", "login_otp_secret", "otp", "login_totp"),
    "folder": ("folder", "password_category", "category", "password_folder"),
}
MAX_ROWS = 2000  # each row is scored by zxcvbn (~15–45 ms): a bigger file is split


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    created: int = 0


def _csv_rows(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    header = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    if not any(alias in header for alias in COLUMNS["secret"]):
        raise ValidationError("The file has no password column (expected “password” or “login_password”).")
    rows = []
    for raw in reader:
        row = {}
        for target, aliases in COLUMNS.items():
            source = next((header[a] for a in aliases if a in header), None)
            row[target] = (raw.get(source) or "").strip() if source else ""
        rows.append(row)
    return rows


def _bitwarden_rows(text: str) -> list[dict]:
    try:
        data = json.loads(text)
        folders = {f.get("id"): f.get("name", "") for f in data.get("folders") or []}
        items = data["items"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValidationError("That is not a Bitwarden JSON export (an object with “items”).") from None
    if data.get("encrypted"):
        raise ValidationError("That export is encrypted: export it from Bitwarden as unencrypted JSON.")
    rows = []
    for item in items:
        login = (item or {}).get("login") or {}
        uris = login.get("uris") or []
        rows.append({"name": (item.get("name") or "").strip(), "username": (login.get("username") or "").strip(),
                     "secret": login.get("password") or "", "url": ((uris[0] or {}).get("uri") or "") if uris else "",
                     "notes": item.get("notes") or "", "totp_seed": login.get("totp") or "",
                     "folder": folders.get(item.get("folderId"), "") or ""})
    return rows


def read(kind: str, text: str) -> list[dict]:
    if kind not in FORMATS:
        raise ValidationError("Choose the format of the export.")
    rows = _bitwarden_rows(text) if kind == "bitwarden" else _csv_rows(text)
    if not rows:
        raise ValidationError("The file holds no credentials.")
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"At most {MAX_ROWS} credentials at once.")
    return rows


def _check(number: int, row: dict) -> list[str]:
    problems = []
    if not row["name"]:
        problems.append(f"Row {number}: no name.")
    if not row["secret"]:
        problems.append(f"Row {number} ({row['name'] or 'unnamed'}): no password.")
    limits = {f.name: f.max_length for f in Credential._meta.fields if f.name in ("name", "username", "url")}
    for name, limit in limits.items():
        if len(row[name]) > limit:
            problems.append(f"Row {number}: {name} is longer than {limit} characters.")
    try:
        row["totp_seed"] = services.normalise_totp_seed(row["totp_seed"])
    except ValidationError:
        problems.append(f"Row {number}: the TOTP seed is not base32 or an otpauth:// link.")
    return problems


def import_credentials(*, by, client, kind: str, text: str) -> ImportResult:
    """Check every row, then create them all in one transaction; any problem leaves the vault untouched."""
    result = ImportResult()
    try:
        result.rows = read(kind, text)
    except ValidationError as error:
        result.errors = error.messages
        return result
    for number, row in enumerate(result.rows, start=1):
        result.errors += _check(number, row)
    if result.errors:
        return result
    with transaction.atomic():
        for row in result.rows:
            services.create_credential(by=by, client=client, name=row["name"], username=row["username"],
                                       secret=row["secret"], url=row["url"], notes=row["notes"],
                                       totp_seed=row["totp_seed"], folder=services.folder_named(client, row["folder"]))
    result.created = len(result.rows)
    return result
