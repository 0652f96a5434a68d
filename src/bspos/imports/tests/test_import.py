"""CSV import: header check, per-row errors with line numbers, all or nothing, idempotent re-import, the command."""

from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bspos.assets.models import Asset
from bspos.clients.models import Client, Contact
from bspos.imports.services import FileRefused, run_import
from bspos.people.models import Role, User
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import TimeEntry

CLIENTS = """name,status,vertical,client_since,website
Acme Dental,active,Healthcare,2024-01-15,https://acme-dental.test
Birch Law,prospect,Legal,,
"""


def test_clients_import_and_importing_the_same_file_again_changes_nothing(db):
    result = run_import(kind="clients", text=CLIENTS)
    assert (result.created, result.errors) == (2, [])
    acme = Client.objects.get(name="Acme Dental")
    assert (acme.status, acme.vertical, str(acme.client_since)) == ("active", "Healthcare", "2024-01-15")
    again = run_import(kind="clients", text=CLIENTS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Client.objects.count() == 2


def test_an_import_with_one_bad_row_writes_nothing_and_names_the_row(db):
    text = CLIENTS + "Cedar Clinic,active,Healthcare,,\nDelta Ltd,prospect,,,\n"
    result = run_import(kind="clients", text=text)
    assert not Client.objects.exists()
    assert [(e.line, "client_since" in e.message) for e in result.errors] == [(4, True)]
    assert "nothing was imported" in result.summary()


def test_a_dry_run_checks_everything_and_writes_nothing(db):
    result = run_import(kind="clients", text=CLIENTS, dry_run=True)
    assert result.created == 2 and not result.errors and not Client.objects.exists()


@pytest.mark.parametrize(("header", "expected"), [
    ("nom,status", "missing column(s): name; unknown column(s): nom"),
    ("name,name", "repeated column(s): name"),
    ("", "missing column(s): name"),
])
def test_a_wrong_header_is_refused_before_any_row(db, header, expected):
    with pytest.raises(FileRefused, match=expected.replace("(", r"\(").replace(")", r"\)")):
        run_import(kind="clients", text=f"{header}\nAcme,active\n")


def test_contacts_attach_to_clients_by_name_and_update_by_email(db):
    run_import(kind="clients", text=CLIENTS)
    text = ("client,first_name,last_name,email,is_billable_user\n"
            "acme dental,Alice,Moss,alice@acme-dental.test,yes\n"
            "Acme Dental,Bob,Reed,,no\n")
    assert run_import(kind="contacts", text=text).created == 2
    bob = Contact.objects.get(first_name="Bob")
    assert bob.client.name == "Acme Dental" and bob.is_billable_user is False
    updated = run_import(kind="contacts", text=text.replace("Alice,Moss", "Alice,Moss-Smith"))
    assert (updated.created, updated.updated, updated.unchanged) == (0, 1, 1)
    assert Contact.objects.get(email="alice@acme-dental.test").last_name == "Moss-Smith"


def test_contact_rows_name_unknown_clients_and_bad_values_by_line(db):
    run_import(kind="clients", text=CLIENTS)
    text = ("client,first_name,email,is_primary\n"
            "Acme Dental,Alice,alice@acme-dental.test,yes\n"
            "Nowhere Inc,Carl,carl@nowhere.test,no\n"
            "Acme Dental,Dan,not-an-email,maybe\n")
    result = run_import(kind="contacts", text=text)
    assert [e.line for e in result.errors] == [3, 4]
    assert "No client named “Nowhere Inc”" in result.errors[0].message
    assert "maybe" in result.errors[1].message
    assert not Contact.objects.exists()


def test_assets_upsert_by_rmm_id(db):
    run_import(kind="clients", text=CLIENTS)
    text = "client,name,type,rmm_id,operating_system\nAcme Dental,ACME-PC01,workstation,agent-1,Windows 11\n"
    run_import(kind="assets", text=text)
    result = run_import(kind="assets", text=text.replace("ACME-PC01", "ACME-PC01-RENAMED"))
    assert result.updated == 1
    asset = Asset.objects.get()
    assert (asset.name, asset.asset_type, asset.rmm_id) == ("ACME-PC01-RENAMED", "workstation", "agent-1")
    bad = run_import(kind="assets", text="client,name,type\nAcme Dental,X,toaster\n")
    assert bad.errors[0].line == 2 and "toaster" in bad.errors[0].message


def test_time_rows_copy_rates_and_are_not_imported_twice(db):
    run_import(kind="clients", text=CLIENTS)
    tech = User.objects.create_user("tess", password="x" * 12, role=Role.TECHNICIAN)
    ticket = desk.create_ticket(client=Client.objects.get(name="Acme Dental"), subject="VPN")
    text = ("technician,started_at,minutes,ticket,internal_category,notes\n"
            f"tess,2026-11-02 09:30,45,#{ticket.number},,Fixed VPN\n"
            "tess,2026-11-02 11:00,30,,training,Course\n")
    assert run_import(kind="time", text=text).created == 2
    assert run_import(kind="time", text=text).unchanged == 2
    entry = TimeEntry.objects.get(ticket=ticket)
    assert entry.minutes == 45 and entry.technician == tech and entry.client == ticket.client
    assert entry.started_at.replace(tzinfo=None) == datetime(2026, 11, 2, 9, 30)
    bad = run_import(kind="time", text="technician,started_at,minutes\nnobody,2026-11-02,x\n")
    assert "nobody" in bad.errors[0].message


def test_the_command_prints_errors_by_line_and_fails(db, tmp_path, capsys):
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS + "Cedar Clinic,churned,,,\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "clients", str(path))
    assert "line 4:" in capsys.readouterr().err
    assert not Client.objects.exists()
    path.write_text(CLIENTS)
    call_command("import", "clients", str(path), "--dry-run")
    assert not Client.objects.exists()
    call_command("import", "clients", str(path))
    assert "Imported 2 rows" in capsys.readouterr().out
    path.write_bytes(b"name\n\xff\xfe\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import", "clients", str(path))


def test_imported_rows_are_written_by_the_services_and_audited_with_the_importer(db):
    from bspos.audit.models import AuditEvent

    manager = User.objects.create_user("mia", password="x" * 12, role=Role.SERVICE_MANAGER)
    run_import(kind="clients", text=CLIENTS, by=manager)
    assert AuditEvent.objects.filter(action="created", actor=manager).count() == 2
    run_import(kind="clients", text=CLIENTS.replace("Legal", "Law firms"), by=manager)
    change = AuditEvent.objects.get(action="changed")
    assert (change.object_repr, change.changes) == ("Birch Law", {"vertical": ["Legal", "Law firms"]})


def test_a_later_line_with_the_same_key_changes_what_an_earlier_line_creates(db):
    text = "name,status,client_since,vertical\nAcme,prospect,,\nACME,active,2024-01-01,Legal\n"
    checked = run_import(kind="clients", text=text, dry_run=True)
    assert (checked.created, checked.updated, checked.errors) == (1, 1, [])
    assert not Client.objects.exists()
    result = run_import(kind="clients", text=text)
    assert (result.created, result.updated) == (1, 1)
    acme = Client.objects.get()
    assert (acme.name, acme.status, acme.vertical) == ("ACME", "active", "Legal")  # the later line wins
    rmm = "client,name,type,rmm_id\nAcme,PC-1,laptop,r-1\nAcme,PC-1B,laptop,r-1\n"
    assert run_import(kind="assets", text=rmm).errors == []
    assert list(Asset.objects.values_list("name", flat=True)) == ["PC-1B"]


def test_a_row_deleted_between_the_check_and_the_apply_refuses_the_whole_file(db):
    from bspos.imports.services import apply, check

    run_import(kind="clients", text=CLIENTS)
    plan = check(kind="clients", text=CLIENTS.replace("Legal", "Law") + "Cedar,prospect,,,\n")
    Client.objects.get(name="Birch Law").delete()
    result = apply(plan)
    assert [e.line for e in result.errors] == [3] and "deleted since the check" in result.errors[0].message
    assert not Client.objects.filter(name="Cedar").exists()
