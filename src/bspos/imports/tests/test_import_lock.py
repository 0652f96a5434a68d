"""A long import check holds no write lock: other users keep writing while a file is being checked (SQLite has
one writer at a time; PostgreSQL is checked the same way)."""

import threading

import pytest
from django.db import connection

from bspos.clients import services as client_services
from bspos.clients.models import Client
from bspos.imports import services
from bspos.imports.models import ImportRun
from bspos.people.models import Role
from bspos.people.tests.factories import UserFactory

FILE = "name,status,client_since\n" + "".join(f"Client {n},active,2024-01-01\n" for n in range(20))


class PausedCheck:
    """A progress hook that stops the check after its first row until the test lets it go on."""

    def __init__(self) -> None:
        self.checking, self.release = threading.Event(), threading.Event()

    def __call__(self, done: int, total: int) -> None:
        if done == 1:
            self.checking.set()
            assert self.release.wait(timeout=60), "the test never released the check"


def _in_thread(target) -> tuple[threading.Thread, list]:
    errors: list = []

    def run() -> None:
        try:
            target()
        except Exception as error:  # noqa: BLE001 (asserted by the test)
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.django_db(transaction=True)
def test_a_write_succeeds_while_an_import_is_being_checked():
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    pause = PausedCheck()
    results: list = []
    importer, import_errors = _in_thread(
        lambda: results.append(services.run_import(kind="clients", text=FILE, by=manager, progress=pause)))
    assert pause.checking.wait(timeout=30)
    writer, write_errors = _in_thread(lambda: client_services.create_client(by=manager, name="Written meanwhile"))
    writer.join(timeout=5)
    finished_meanwhile = not writer.is_alive()
    pause.release.set()
    importer.join(timeout=60)
    writer.join(timeout=60)
    assert finished_meanwhile and write_errors == [] and import_errors == []
    assert results[0].created == 20 and not results[0].errors
    assert Client.objects.count() == 21


@pytest.mark.django_db(transaction=True)
def test_the_upload_check_also_writes_nothing_until_applied_and_a_row_gone_meanwhile_refuses_the_file():
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    client_services.create_client(by=manager, name="Client 0")
    run = services.check_upload(kind="clients", filename="c.csv", data=FILE.encode(), by=manager)
    assert (run.status, run.created, run.updated) == (ImportRun.Status.CHECKED, 19, 1)
    assert Client.objects.count() == 1
    result = services.apply_run(run, by=manager)
    assert result.applied and Client.objects.count() == 20
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED
