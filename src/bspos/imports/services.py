"""CSV import of clients, contacts, assets and time: header check, per-row errors with line numbers, all or nothing.

Each kind is a list of columns (the same ones the CSV export writes, so an export re-imports) and a natural key that
makes importing the same file twice change nothing (docs/imports.md):

* clients by name (case-insensitive): an existing client is updated with the columns the file has;
* contacts by client + email, else client + first and last name;
* assets by RMM id when given, else client + name;
* time entries by technician + start + ticket (or internal category): an existing entry is left as it is.

An import runs in two steps so that other users keep working while a long file is checked (SQLite has one writer
at a time): `check` reads only (no transaction, so no write lock) and plans every row's change, collecting the errors
by line; `apply` then writes the plan in one short transaction through the apps' services, which validate each row
again against the data as it is by then (all or nothing).
"""

import copy
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from bspos.assets import services as asset_services
from bspos.assets.models import Asset
from bspos.assets.selectors import ASSET_COLUMNS
from bspos.clients import services as client_services
from bspos.clients.models import Client, Contact
from bspos.clients.selectors import CLIENT_COLUMNS, CONTACT_COLUMNS
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


Apply = Callable[[User | None], None]


class Target:
    """The row one natural key of the file names: found in the database, or to be created by an earlier line.

    Later lines with the same key change it further; at apply time each change starts from what the previous one
    saved, or from the row as stored now."""

    def __init__(self, model: type, instance=None) -> None:
        self.model, self.pk, self.instance, self.saved = model, getattr(instance, "pk", None), instance, None

    def current(self):
        if self.saved is not None:
            return self.saved
        row = self.model._default_manager.filter(pk=self.pk).first()
        if row is None:
            raise ValidationError(f"the {self.model._meta.verbose_name} “{self.instance}” was deleted since the "
                                  "check; check the file again.")
        return row


class Kind:
    """One importable kind: columns, required columns, and how a row becomes a planned change (reads only)."""

    name: str
    columns: list[str]
    required: set[str]

    def check(self, row: dict[str, str]) -> tuple[str, Apply | None]:
        """The outcome ("created", "updated" or "unchanged") and the write to make at apply time."""
        raise NotImplementedError

    def start(self) -> None:
        self._clients: dict[str, Client] = {}
        self._targets: dict[tuple, Target] = {}

    def client(self, name: str) -> Client:
        """The client named in a row (looked up once per name and import)."""
        key = name.strip().lower()
        if key not in self._clients:
            self._clients[key] = _client(name)
        return self._clients[key]

    def target(self, key: tuple, model: type, find: Callable[[], object]) -> Target:
        """The row a natural key names: one planned by an earlier line of the file, else the stored one."""
        if key not in self._targets:
            self._targets[key] = Target(model, find())
        return self._targets[key]

    def plan(self, form_class, target: Target, row: dict[str, str], columns: list[str], *, create, update,
             extra: dict | None = None, client: Client | None = None) -> tuple[str, Apply | None]:
        """Validate the row as a ModelForm would (fields, choices, the model's own rules) on a copy of the target,
        and plan its creation or the change of the columns that differ."""
        model = form_class._meta.model
        model_fields = form_class._meta.fields
        base = target.instance
        if base is None:
            instance, data = model(), {}
            for name in model_fields:
                model_field = model._meta.get_field(name)
                if model_field.has_default():
                    data[name] = model_field.get_default()
        else:
            instance, data = copy.copy(base), model_to_dict(base, fields=model_fields)
        moved = False
        if client is not None:  # set on the instance, not through the form: no query per row to find it again
            moved = base is not None and instance.client_id != client.pk
            instance.client = client
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
        existed = base is not None
        if existed and not form.has_changed() and not moved:
            return "unchanged", None
        target.instance = instance  # later lines with the same key start from here
        if not existed:
            values = {name: getattr(instance, name) for name in model_fields}
            if client is not None:
                values["client"] = client

            def apply(by: User | None) -> None:
                target.saved = create(by, values)
            return "created", apply
        changes = {name: getattr(instance, name) for name in form.changed_data}
        if moved:
            changes["client"] = client

        def apply(by: User | None) -> None:
            target.saved = update(by, target.current(), changes)
        return "updated", apply


class ClientForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Client
        fields = CLIENT_COLUMNS


class Clients(Kind):
    name = "clients"
    columns = CLIENT_COLUMNS
    required = {"name"}

    def check(self, row):
        name = row["name"].strip()
        target = self.target(("name", name.lower()), Client,
                             lambda: Client.objects.filter(name__iexact=name).first() if name else None)
        return self.plan(ClientForm, target, row, self.columns,
                         create=lambda by, values: client_services.create_client(by=by, **values),
                         update=lambda by, client, changes: client_services.update_client(by=by, client=client,
                                                                                           **changes))


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_COLUMNS[1:]


class Contacts(Kind):
    name = "contacts"
    columns = CONTACT_COLUMNS
    required = {"client", "first_name"}

    def check(self, row):
        client = self.client(row["client"])
        email = row.get("email", "").strip()
        first, last = row["first_name"].strip(), row.get("last_name", "").strip()
        existing = client.contacts.all()
        if email:
            target = self.target((client.pk, "email", email.lower()), Contact,
                                 lambda: existing.filter(email__iexact=email).first())
        else:
            target = self.target((client.pk, "name", first.lower(), last.lower()), Contact,
                                 lambda: existing.filter(email="", first_name__iexact=first,
                                                         last_name__iexact=last).first())
        return self.plan(ContactForm, target, row, self.columns, client=client,
                         create=lambda by, values: client_services.create_contact(by=by, **values),
                         update=lambda by, contact, changes: client_services.update_contact(by=by, contact=contact,
                                                                                             **changes))


class AssetForm(forms.ModelForm):
    class Meta:
        model = Asset
        fields = ["name", "asset_type", *ASSET_COLUMNS[3:]]


class Assets(Kind):
    name = "assets"
    columns = ASSET_COLUMNS
    required = {"client", "name", "type"}

    def check(self, row):
        client = self.client(row["client"])
        row = {**row, "asset_type": row["type"].strip().lower()}
        rmm_id, name = row.get("rmm_id", "").strip(), row["name"].strip()
        if rmm_id:
            target = self.target(("rmm", rmm_id), Asset, lambda: Asset.objects.filter(rmm_id=rmm_id).first())
        else:
            target = self.target((client.pk, "name", name.lower()), Asset,
                                 lambda: client.assets.filter(name__iexact=name).first())
        return self.plan(AssetForm, target, row, [*self.columns, "asset_type"], extra={"rmm_id": rmm_id or None},
                         client=client,
                         create=lambda by, values: asset_services.create_asset(by=by, **values),
                         update=lambda by, asset, changes: asset_services.update_asset(by=by, asset=asset, **changes))


class Time(Kind):
    name = "time"
    columns = ["technician", "started_at", "minutes", "ticket", "internal_category", "billable", "notes"]
    required = {"technician", "started_at", "minutes"}

    def check(self, row):
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
        key = (technician.pk, started_at, getattr(ticket, "pk", None), category)
        if key in self._targets or TimeEntry.objects.filter(technician=technician, started_at=started_at,
                                                            ticket=ticket, internal_category=category).exists():
            return "unchanged", None
        self._targets[key] = Target(TimeEntry)
        notes = row.get("notes", "").strip()
        # the entry's own rules now (minutes, ticket or category); log_time checks them again when applying
        TimeEntry(technician=technician, ticket=ticket, internal_category=category, started_at=started_at,
                  minutes=minutes, notes=notes).full_clean(exclude=["cost_rate", "bill_rate", "billable"])

        def apply(by: User | None) -> None:
            desk.log_time(technician=technician, minutes=minutes, started_at=started_at, ticket=ticket,
                          internal_category=category, billable=billable, notes=notes, by=by)
        return "created", apply


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


@dataclass
class Plan:
    """A checked file: the result so far and, line by line, the writes to make."""

    result: ImportResult
    changes: list[tuple[int, Apply]]


def check(*, kind: str, text: str, progress: Callable[[int, int], None] | None = None) -> Plan:
    """Check every row with read-only queries, outside any transaction (so no write lock is held)."""
    if kind not in KINDS:
        raise FileRefused(f"Unknown kind “{kind}”: choose {', '.join(KINDS)}.")
    importer = type(KINDS[kind])()  # a fresh one per import: it caches lookups and the file's natural keys
    rows = read_rows(importer, text)
    plan = Plan(ImportResult(kind=kind, rows=len(rows), dry_run=True), [])
    importer.start()
    for index, (line, row) in enumerate(rows, start=1):
        try:
            if "__error__" in row:
                raise ValidationError(row["__error__"])
            outcome, apply = importer.check(row)
            setattr(plan.result, outcome, getattr(plan.result, outcome) + 1)
            if apply is not None:
                plan.changes.append((line, apply))
        except ValidationError as error:
            plan.result.errors.append(RowError(line, _messages(error)))
        if progress is not None:
            progress(index, len(rows))
    return plan


def apply(plan: Plan, *, by: User | None = None) -> ImportResult:
    """Write a checked plan in one transaction through the services; any row refused now keeps nothing."""
    result = plan.result
    result.dry_run = False
    if result.errors:
        return result
    with transaction.atomic():
        for line, write in plan.changes:
            try:
                write(by)
            except ValidationError as error:
                result.errors.append(RowError(line, _messages(error)))
            except DatabaseError as error:  # the transaction cannot go on: report this line and stop
                result.errors.append(RowError(line, f"refused by the database ({str(error).splitlines()[0]})."))
                break
        if result.errors:
            transaction.set_rollback(True)
    return result


def run_import(*, kind: str, text: str, dry_run: bool = False, by: User | None = None,
               progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check every row and, when all pass and it is not a dry run, keep them all; otherwise keep none."""
    plan = check(kind=kind, text=text, progress=progress)
    return plan.result if dry_run else apply(plan, by=by)


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
        result = check(kind=kind, text=text).result
    except FileRefused as error:
        result = ImportResult(kind=kind, errors=[RowError(1, " ".join(error.messages))], dry_run=True)
    _record(run, result)
    run.save()
    return run


def apply_run(run, *, by: User | None = None) -> ImportResult:
    """The UI's second step: check the kept file again (reads only), then import it in one short transaction
    (all rows or, if something changed since, none). A file is applied once."""
    from bspos.imports.models import ImportRun

    if run.status != ImportRun.Status.CHECKED:
        raise ValidationError("Only a file that passed its check can be applied (and only once).")
    plan = check(kind=run.kind, text=run.content)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.CHECKED:
            raise ValidationError("Only a file that passed its check can be applied (and only once).")
        with transaction.atomic():  # a savepoint: refused rows roll back, the run still records why
            result = apply(plan, by=by)
        _record(run, result)
        run.save()
    return result
