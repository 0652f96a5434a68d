"""Every write to clients, contacts and sites: validated (the models' own rules), in a transaction, audited.

The pages, the API, the back office and the CSV import call these; nothing else saves these rows.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bspos.audit.services import Snapshot, delete_audited, record, snapshot
from bspos.clients.models import Client, ClientStatus, Contact, Site
from bspos.clients.signals import client_status_changed
from bspos.people.models import Role, User


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


def change_client_status(*, by: User | None, client: Client, status: str, on: date | None = None,
                         reason: str = "") -> Client:
    """Move a client to prospect, active or churned, with the dates tenure and churn are computed from (`on`,
    default today): becoming a prospect sets the prospect date if it has none; becoming active sets the start
    date if it has none and clears the churn date and reason; churning sets the churn date and needs a reason."""
    on = on or timezone.localdate()
    changes: dict = {"status": status}
    if status == ClientStatus.PROSPECT:
        changes["prospect_since"] = client.prospect_since or on
    elif status == ClientStatus.ACTIVE:
        changes.update(client_since=client.client_since or on, churned_on=None, churn_reason="")
    elif status == ClientStatus.CHURNED:
        if not reason.strip():
            raise ValidationError({"churn_reason": "Say why the client left: churn is reviewed by its reasons."})
        changes.update(churned_on=on, churn_reason=reason.strip())
    return update_client(by=by, client=client, **changes)


@transaction.atomic
def delete_client(*, by: User | None, client: Client) -> None:
    """Delete a client with its sites, contacts (their logins deactivated) and assets; refused while tickets,
    agreements or invoices still refer to it (ProtectedError)."""
    for contact in client.contacts.select_related("user"):
        _deactivate_login(by, contact)
    delete_audited(client, by)


# --- contacts -----------------------------------------------------------------------------------------------------

def _save_contact(by: User | None, contact: Contact, before: Snapshot | None) -> Contact:
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        record(by, contact, before)
        if not contact.is_active:  # a deactivated contact keeps their history but can no longer sign in
            _deactivate_login(by, contact)
    return contact


def create_contact(*, by: User | None, client: Client, **fields) -> Contact:
    contact = Contact(client=client)
    _apply(contact, fields)
    return _save_contact(by, contact, None)


def update_contact(*, by: User | None, contact: Contact, **changes) -> Contact:
    """Change a contact's fields; deactivating one (`is_active=False`) ends their portal login too."""
    before = snapshot(contact)
    _apply(contact, changes)
    return _save_contact(by, contact, before)


def _deactivate_login(by: User | None, contact: Contact) -> None:
    """A contact's portal login ends with the contact: it can no longer sign in or use its API tokens."""
    user = contact.user
    if user is not None and user.is_active:
        before = snapshot(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        record(by, user, before)


@transaction.atomic
def delete_contact(*, by: User | None, contact: Contact) -> None:
    """Delete a contact and deactivate their portal login in the same transaction."""
    _deactivate_login(by, contact)
    delete_audited(contact, by)


# --- portal access ------------------------------------------------------------------------------------------------

class LinkNotSent(Exception):
    """Portal access is on, but the email with the set-password link could not be sent (the reason is the text)."""


def has_portal_login(contact: Contact) -> bool:
    return contact.user is not None and contact.user.is_active


def grant_portal_access(*, by: User | None, contact: Contact, site_url: str) -> Contact:
    """Give an active contact with an email a portal login (or reopen theirs) and email them a link to set their
    password (Django's password-reset token: single use, valid for PASSWORD_RESET_TIMEOUT). No password is ever
    shown to the MSP. The login is kept when the email fails (LinkNotSent): send the link again."""
    if not contact.is_active:
        raise ValidationError("Reactivate the contact first: an inactive contact cannot sign in.")
    if not contact.email:
        raise ValidationError({"email": "Enter the contact's email first: the set-password link is sent there."})
    with transaction.atomic():
        user = contact.user
        if user is None:
            username = contact.email.lower()
            if User.objects.filter(username__iexact=username).exists():
                raise ValidationError({"email": f"Another login already uses {username}; use another email."})
            user = User(username=username, role=Role.CLIENT_CONTACT)
            user.set_unusable_password()
            before = None
        else:
            before = snapshot(user)
        user.email, user.first_name, user.last_name, user.is_active = (contact.email, contact.first_name,
                                                                       contact.last_name, True)
        user.full_clean()
        user.save()
        if before is not None:  # a new login is recorded on the contact (its `user`), never with its password field
            record(by, user, before)
        if contact.user_id != user.pk:
            update_contact(by=by, contact=contact, user=user)
    send_set_password_link(contact, site_url)
    return contact


def send_set_password_link(contact: Contact, site_url: str) -> None:
    """Email the contact the link to set their portal password (raises LinkNotSent with the mail error)."""
    user = contact.user
    if user is None or not user.is_active:
        raise ValidationError("The contact has no portal login: turn portal access on first.")
    path = reverse("password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                                   default_token_generator.make_token(user)])
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    body = (f"Hello {contact.first_name},\n\nYou can now sign in to your IT provider's portal to open and follow "
            f"your tickets. Your user name is {user.username}.\n\nChoose your password here (the link works once, "
            f"for {days} days):\n{site_url.rstrip('/')}{path}\n")
    try:
        send_mail("Your portal login", body, None, [contact.email], fail_silently=False)
    except Exception as error:  # noqa: BLE001 (the mail server's refusal is shown to the person, never swallowed)
        raise LinkNotSent(f"Portal access is on for {contact.name}, but the email with the set-password link could "
                          f"not be sent ({error}). Check the mail settings (BSPOS_SMTP_HOST), then send the link "
                          f"again.") from error


def end_portal_access(*, by: User | None, contact: Contact) -> Contact:
    """End a contact's portal login (it stays linked, so access can be given again)."""
    with transaction.atomic():
        _deactivate_login(by, contact)
    return contact


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
