"""The import page: upload, the check with errors by line, apply once; only roles that edit clients may import."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bspos.clients.models import Client
from bspos.imports.models import ImportRun
from bspos.people.models import Role, User

GOOD = b"name,status,client_since\nAcme Dental,active,2024-01-15\nBirch Law,prospect,\n"


def manager(db) -> User:
    return User.objects.create_user("mia", password="x" * 12, role=Role.SERVICE_MANAGER)


def upload(client, data: bytes, kind="clients"):
    return client.post(reverse("imports:upload"), {"kind": kind, "file": SimpleUploadedFile("c.csv", data)})


def test_upload_check_then_apply(client, db):
    client.force_login(manager(db))
    assert "No imports yet" in client.get(reverse("imports:upload")).content.decode()
    response = upload(client, GOOD)
    run = ImportRun.objects.get()
    assert response.url == reverse("imports:run", args=[run.pk]) and run.status == ImportRun.Status.CHECKED
    assert not Client.objects.exists()
    assert "Apply the import" in client.get(response.url).content.decode()
    client.post(reverse("imports:apply", args=[run.pk]))
    assert Client.objects.count() == 2
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED and run.created == 2
    client.post(reverse("imports:apply", args=[run.pk]))  # a second click does nothing
    assert Client.objects.count() == 2


def test_a_bad_row_is_shown_by_line_and_cannot_be_applied(client, db):
    client.force_login(manager(db))
    upload(client, GOOD + b"Cedar Clinic,active,\n")
    run = ImportRun.objects.get()
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert run.status == ImportRun.Status.REFUSED and run.errors[0][0] == 4
    assert "nothing was imported" in page and "Apply the import" not in page
    client.post(reverse("imports:apply", args=[run.pk]))
    assert not Client.objects.exists()


def test_a_wrong_header_or_encoding_is_reported_on_line_one(client, db):
    client.force_login(manager(db))
    upload(client, b"company\nAcme\n")
    assert "unknown column(s): company" in ImportRun.objects.get().errors[0][1]
    page = upload(client, b"name\n\xff\n").content.decode()
    assert "not UTF-8" in page


def test_only_roles_that_edit_clients_can_import(client, db):
    client.force_login(User.objects.create_user("tom", password="x" * 12, role=Role.TECHNICIAN))
    assert client.get(reverse("imports:upload")).status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert not ImportRun.objects.exists()


def test_importing_time_needs_the_right_to_correct_everybodys_time(client, db):
    client.force_login(User.objects.create_user("val", password="x" * 12, role=Role.VCIO))
    page = upload(client, b"technician,started_at,minutes\n", kind="time").content.decode()
    assert "cannot import time" in page and not ImportRun.objects.exists()
    assert upload(client, GOOD).status_code == 302  # clients: fine for a vCIO


def test_past_imports_filter_by_kind_and_a_bad_value_is_ignored_with_a_message(client, db):
    client.force_login(manager(db))
    upload(client, GOOD)
    upload(client, b"client,first_name\nAcme Dental,Alice\n", kind="contacts")
    clients_run, contacts_run = (reverse("imports:run", args=[ImportRun.objects.get(kind=kind).pk])
                                 for kind in ("clients", "contacts"))
    contacts_only = client.get(reverse("imports:upload"), {"kind": "contacts"}).content.decode()
    assert contacts_run in contacts_only and clients_run not in contacts_only
    ignored = client.get(reverse("imports:upload"), {"kind": "bogus\x00"}).content.decode()
    assert "Some filters were ignored" in ignored and clients_run in ignored and contacts_run in ignored
