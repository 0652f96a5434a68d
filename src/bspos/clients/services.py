"""Every write to clients, contacts and sites: validated (the models' own rules), in a transaction, audited.

The API, the back office and the CSV import call these; nothing else saves these rows.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from bspos.audit.services import Snapshot, delete_audited, record, snapshot
from bspos.clients.models import Client, ClientStatus, Contact, Site
from bspos.clients.signals import client_status_changed
from bspos.people.models import User


def _apply(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def _save_client(by: User | None, client: Client, before: Snapshot | None) -> Client:
    client.full_clean()
    with transaction.atomic():
        client.save()
        record(by, client, before)
        previous = before["status"] if before else None
        if client.status != previous:
            client_status_changed.send(sender=Client, client=client, previous=previous, status=client.status)
    return client


def create_client(*, by: User | None, **fields) -> Client:
    """A new client (a prospect unless `status` says otherwise)."""
    client = Client()
    _apply(client, fields)
    return _save_client(by, client, None)


def update_client(*, by: User | None, client: Client, **changes) -> Client:
    """Change a client's fields; a change of status is announced like `change_client_status`'s."""
    before = snapshot(client)
    _apply(client, changes)
    return _save_client(by, client, before)


def change_client_status(*, by: User | None, client: Client, status: str, on: date | None = None) -> Client:
    """Move a client to prospect, active or churned, with the dates the rules need (`on`, default today):
    becoming active sets the start date if it has none and clears a churn date; churning sets the churn date."""
    on = on or timezone.localdate()
    changes: dict = {"status": status}
    if status == ClientStatus.ACTIVE:
        changes.update(client_since=client.client_since or on, churned_on=None)
    elif status == ClientStatus.CHURNED:
        changes["churned_on"] = on
    return update_client(by=by, client=client, **changes)


@transaction.atomic
def delete_client(*, by: User | None, client: Client) -> None:
    """Delete a client with its sites, contacts (their logins deactivated) and assets; refused while tickets,
    agreements or invoices still refer to it (ProtectedError)."""
    for contact in client.contacts.select_related("user"):
        _deactivate_login(contact)
    delete_audited(client, by)


# --- contacts -----------------------------------------------------------------------------------------------------

def _save_contact(by: User | None, contact: Contact, before: Snapshot | None) -> Contact:
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        record(by, contact, before)
    return contact


def create_contact(*, by: User | None, client: Client, **fields) -> Contact:
    contact = Contact(client=client)
    _apply(contact, fields)
    return _save_contact(by, contact, None)


def update_contact(*, by: User | None, contact: Contact, **changes) -> Contact:
    before = snapshot(contact)
    _apply(contact, changes)
    return _save_contact(by, contact, before)


def _deactivate_login(contact: Contact) -> None:
    """A contact's portal login ends with the contact: it can no longer sign in or use its API tokens."""
    user = contact.user
    if user is not None and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])


@transaction.atomic
def delete_contact(*, by: User | None, contact: Contact) -> None:
    """Delete a contact and deactivate their portal login in the same transaction."""
    _deactivate_login(contact)
    delete_audited(contact, by)


# --- sites --------------------------------------------------------------------------------------------------------

def _save_site(by: User | None, site: Site, before: Snapshot | None) -> Site:
    site.full_clean()
    with transaction.atomic():
        site.save()
        record(by, site, before)
    return site


def create_site(*, by: User | None, client: Client, **fields) -> Site:
    site = Site(client=client)
    _apply(site, fields)
    return _save_site(by, site, None)


def update_site(*, by: User | None, site: Site, **changes) -> Site:
    before = snapshot(site)
    _apply(site, changes)
    return _save_site(by, site, before)


@transaction.atomic
def delete_site(*, by: User | None, site: Site) -> None:
    """Delete a site; its contacts and assets stay with the client, without a site."""
    delete_audited(site, by)
