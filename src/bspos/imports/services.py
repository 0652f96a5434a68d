"""CSV import of clients, contacts, assets and time: header check, per-row errors with line numbers, all or nothing.

Each kind is a list of columns (the same ones the CSV export writes, so an export re-imports) and a natural key that
makes importing the same file twice change nothing (docs/imports.md):

* clients by name (case-insensitive): an existing client is updated with the columns the file has;
* contacts by client + email, else client + first and last name;
* assets by RMM id when given, else client + name;
* time entries by technician + start + ticket (or internal category): an existing entry is left as it is.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from bspos.assets.models import Asset
from bspos.clients.models import Client, Contact
from bspos.people.models import User
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import Ticket, TimeEntry


class FileRefused(ValidationError):
    """A file-level problem (encoding, header) that stops the import before any row."""


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.errors

    def summary(self) -> str:
        counts = f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"
        if self.errors:
            return f"{len(self.errors)} row error(s) in {self.rows} rows: nothing was imported."
        if self.dry_run:
            return f"Check passed for {self.rows} rows ({counts}); nothing written yet."
        return f"Imported {self.rows} rows: {counts}."


TRUE, FALSE = {"1", "true", "yes", "y", "x"}, {"0", "false", "no", "n", ""}


def _bool(value: str, column: str) -> bool:
    text = value.strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValidationError({column: f"“{value}” is not yes/no (use yes, no, true, false, 1 or 0)."})


def _client(name: str) -> Client:
    if not name.strip():
        raise ValidationError({"client": "The client is empty."})
    client = Client.objects.filter(name__iexact=name.strip()).first()
    if client is None:
        raise ValidationError({"client": f"No client named “{name.strip()}” (import clients first)."})
    return client


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" if name != "__all__" else " ".join(msgs)
                         for name, msgs in error.message_dict.items())
    return " ".join(error.messages)


def _form_errors(form: forms.ModelForm) -> ValidationError:
    return ValidationError({name: [str(m) for m in msgs] for name, msgs in form.errors.items()})


class Kind:
    """One importable kind: columns, required columns, and how a row becomes a saved row."""

    name: str
    columns: list[str]
    required: set[str]

    def apply(self, row: dict[str, str]) -> str:  # returns "created", "updated" or "unchanged"
        raise NotImplementedError

    def start(self) -> None:
        self._clients: dict[str, Client] = {}

    def client(self, name: str) -> Client:
        """The client named in a row (looked up once per name and import)."""
        key = name.strip().lower()
        if key not in self._clients:
            self._clients[key] = _client(name)
        return self._clients[key]


def _upsert(form_class, instance, row: dict[str, str], columns: list[str], extra: dict | None = None,
            client: Client | None = None) -> str:
    """Fill a ModelForm from the existing row and the file's columns; validate (model clean too); save."""
    model_fields = form_class._meta.fields
    data = model_to_dict(instance, fields=model_fields) if instance else {}
    moved = False
    if client is not None:  # set on the instance, not through the form: no query per row to find it again
        if instance is None:
            instance = form_class._meta.model(client=client)
            data = {}
        moved = instance.client_id != client.pk
        instance.client = client
    if not data:
        for name in model_fields:
            model_field = form_class._meta.model._meta.get_field(name)
            if model_field.has_default():
                data[name] = model_field.get_default()
    for name in columns:
        if name in model_fields and name in row:
            data[name] = row[name].strip()
    data.update(extra or {})
    for name, value in list(data.items()):
        if isinstance(form_class.base_fields.get(name), forms.BooleanField) and isinstance(value, str):
            data[name] = _bool(value, name)
    data = {name: ("" if value is None else value) for name, value in data.items()}
    form = form_class(data=data, instance=instance)
    if not form.is_valid():
        raise _form_errors(form)
    existed = instance is not None and instance.pk is not None
    if existed and not form.has_changed() and not moved:
        return "unchanged"
    form.save()
    return "updated" if existed else "created"


class ClientForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Client
        fields = ["name", "status", "vertical", "service_tier", "prospect_since", "client_since", "churned_on",
                  "phone", "website", "notes"]


class Clients(Kind):
    name = "clients"
    columns = ClientForm._meta.fields
    required = {"name"}

    def apply(self, row):
        instance = Client.objects.filter(name__iexact=row["name"].strip()).first() if row["name"].strip() else None
        return _upsert(ClientForm, instance, row, self.columns)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "phone", "job_title", "is_primary", "is_billable_user",
                  "is_active"]


class Contacts(Kind):
    name = "contacts"
    columns = ["client", *ContactForm._meta.fields]
    required = {"client", "first_name"}

    def apply(self, row):
        client = self.client(row["client"])
        email = row.get("email", "").strip()
        existing = client.contacts.all()
        if email:
            instance = existing.filter(email__iexact=email).first()
        else:
            instance = existing.filter(email="", first_name__iexact=row["first_name"].strip(),
                                       last_name__iexact=row.get("last_name", "").strip()).first()
        return _upsert(ContactForm, instance, row, self.columns, client=client)


class AssetForm(forms.ModelForm):
    class Meta:
        model = Asset
        fields = ["name", "asset_type", "serial_number", "manufacturer", "model", "operating_system",
                  "rmm_id", "purchased_on", "warranty_expires", "lifecycle", "notes"]


class Assets(Kind):
    name = "assets"
    columns = ["client", "name", "type", *AssetForm._meta.fields[2:]]
    required = {"client", "name", "type"}

    def apply(self, row):
        client = self.client(row["client"])
        row = {**row, "asset_type": row["type"].strip().lower()}
        rmm_id = row.get("rmm_id", "").strip()
        instance = Asset.objects.filter(rmm_id=rmm_id).first() if rmm_id else \
            client.assets.filter(name__iexact=row["name"].strip()).first()
        return _upsert(AssetForm, instance, row, [*self.columns, "asset_type"], extra={"rmm_id": rmm_id or None},
                       client=client)


class Time(Kind):
    name = "time"
    columns = ["technician", "started_at", "minutes", "ticket", "internal_category", "billable", "notes"]
    required = {"technician", "started_at", "minutes"}

    def apply(self, row):
        username = row["technician"].strip()
        technician = User.objects.filter(username__iexact=username).first() if username else None
        if technician is None or not technician.is_msp_staff:
            raise ValidationError({"technician": f"No MSP staff member with the username “{username}”."})
        started_at = _when(row["started_at"])
        try:
            minutes = int(row["minutes"].strip())
        except ValueError:
            raise ValidationError({"minutes": f"“{row['minutes']}” is not a whole number of minutes."}) from None
        number = row.get("ticket", "").strip().lstrip("#")
        ticket = None
        if number:
            ticket = Ticket.objects.filter(number=int(number)).first() if number.isdigit() else None
            if ticket is None:
                raise ValidationError({"ticket": f"No ticket #{number}."})
        category = row.get("internal_category", "").strip()
        billable = _bool(row["billable"], "billable") if row.get("billable", "").strip() else None
        if TimeEntry.objects.filter(technician=technician, started_at=started_at, ticket=ticket,
                                    internal_category=category).exists():
            return "unchanged"
        desk.log_time(technician=technician, minutes=minutes, started_at=started_at, ticket=ticket,
                      internal_category=category, billable=billable, notes=row.get("notes", "").strip())
        return "created"


def _when(value: str) -> datetime:
    text = value.strip()
    try:
        moment = parse_datetime(text)
        if moment is None and parse_date(text) is not None:
            raise ValidationError({"started_at": f"“{text}” has no time of day (use 2026-11-02 09:30)."})
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({"started_at": f"“{text}” is not a date and time (use 2026-11-02 09:30)."})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


KINDS: dict[str, Kind] = {kind.name: kind for kind in (Clients(), Contacts(), Assets(), Time())}


def read_rows(kind: Kind, text: str) -> list[tuple[int, dict[str, str]]]:
    """The rows with their line numbers, after checking the header; FileRefused when the header is wrong."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused("The file is empty: the first line must name the columns.") from None
    except csv.Error as error:
        raise FileRefused(f"line 1: {error}") from None
    names = [h.strip().lower() for h in header]
    missing = sorted(kind.required - set(names))
    unknown = [h for h in names if h not in kind.columns]
    duplicated = sorted({h for h in names if names.count(h) > 1})
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    if duplicated:
        problems.append(f"repeated column(s): {', '.join(duplicated)}")
    if problems:
        raise FileRefused(f"line 1: {'; '.join(problems)}. The {kind.name} columns are: {', '.join(kind.columns)} "
                           f"(required: {', '.join(sorted(kind.required))}).")
    rows, line = [], reader.line_num
    try:
        for values in reader:
            start = line + 1
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(names):
                rows.append((start, {"__error__": f"{len(values)} values for {len(names)} columns."}))
                continue
            rows.append((start, {name: _unguard(value) for name, value in zip(names, values, strict=True)}))
    except csv.Error as error:
        raise FileRefused(f"line {reader.line_num}: {error}") from None
    return rows


def _unguard(value: str) -> str:
    """Undo the export's formula guard: a leading apostrophe before = + - @ is not part of the value."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r") else value


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(f"The file is not UTF-8 text (byte {error.start}); save it as CSV UTF-8.") from None


def run_import(*, kind: str, text: str, dry_run: bool = False,
               progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check every row and, when all pass and it is not a dry run, keep them all; otherwise keep none."""
    if kind not in KINDS:
        raise FileRefused(f"Unknown kind “{kind}”: choose {', '.join(KINDS)}.")
    importer = type(KINDS[kind])()  # a fresh one per import: it caches lookups
    rows = read_rows(importer, text)
    result = ImportResult(kind=kind, rows=len(rows), dry_run=dry_run)
    importer.start()
    with transaction.atomic():
        for index, (line, row) in enumerate(rows, start=1):
            try:
                if "__error__" in row:
                    raise ValidationError(row["__error__"])
                with transaction.atomic():  # a savepoint: a refused row leaves the others usable
                    outcome = importer.apply(row)
                setattr(result, outcome, getattr(result, outcome) + 1)
            except ValidationError as error:
                result.errors.append(RowError(line, _messages(error)))
            except IntegrityError as error:
                result.errors.append(RowError(line, f"refused by the database ({str(error).splitlines()[0]})."))
            if progress is not None:
                progress(index, len(rows))
        if dry_run or result.errors:
            transaction.set_rollback(True)
    return result


def _record(run, result: ImportResult) -> None:
    from bspos.imports.models import ImportRun

    run.rows, run.created, run.updated, run.unchanged = result.rows, result.created, result.updated, result.unchanged
    run.errors = [[e.line, e.message] for e in result.errors]
    if result.errors:
        run.status = ImportRun.Status.REFUSED
    elif result.dry_run:
        run.status = ImportRun.Status.CHECKED
    else:
        run.status, run.applied_at = ImportRun.Status.APPLIED, timezone.now()


def check_upload(*, kind: str, filename: str, data: bytes, by: User | None):
    """The UI's first step: keep the uploaded file and dry-run it (nothing imported yet)."""
    from bspos.imports.models import ImportRun

    text = decode(data)
    run = ImportRun(kind=kind, filename=filename[:255], content=text, uploaded_by=by)
    try:
        result = run_import(kind=kind, text=text, dry_run=True)
    except FileRefused as error:
        result = ImportResult(kind=kind, errors=[RowError(1, " ".join(error.messages))], dry_run=True)
    _record(run, result)
    run.save()
    return run


def apply_run(run) -> ImportResult:
    """The UI's second step: import a checked file for real (all rows or, if something changed since, none)."""
    from bspos.imports.models import ImportRun

    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.CHECKED:
            raise ValidationError("Only a file that passed its check can be applied (and only once).")
        result = run_import(kind=run.kind, text=run.content)
        _record(run, result)
        run.save()
    return result
