"""Every write of an agreement: create, change, delete. Each validates the agreement (its model's rules: end
never before start, a block of hours has hours, a term of 1 to 600 months), writes in a transaction and records
the audit entry. The agreement page, the API and the back office call these."""

from collections.abc import Iterable

from django.db import transaction

from bspos.agreements.models import Agreement
from bspos.audit.services import delete_audited, record, snapshot
from bspos.catalogue.models import Service
from bspos.clients.models import Client
from bspos.people.models import User


def _write(by: User | None, agreement: Agreement, changes: dict,
           included_services: Iterable[Service] | None) -> Agreement:
    with transaction.atomic():
        stored = Agreement.objects.filter(pk=agreement.pk).first() if agreement.pk else None
        before = snapshot(stored) if stored is not None else None
        for name, value in changes.items():
            setattr(agreement, name, value)
        agreement.full_clean()
        agreement.save()
        agreement.refresh_from_db()  # stored values (amounts to the cent) for the audit and the caller
        if included_services is not None:  # the scope boundary: work on anything else is extra
            agreement.included_services.set(included_services)
        record(by, agreement, before)
    return agreement


def create_agreement(*, by: User | None, client: Client, included_services: Iterable[Service] | None = None,
                     **fields) -> Agreement:
    """A new agreement for `client` (fields as on the model)."""
    return _write(by, Agreement(client=client), fields, included_services)


def update_agreement(*, by: User | None, agreement: Agreement,
                     included_services: Iterable[Service] | None = None, **changes) -> Agreement:
    """Change an agreement; `included_services`, when given, replaces its scope."""
    return _write(by, agreement, changes, included_services)


def delete_agreement(*, by: User | None, agreement: Agreement) -> None:
    """Delete an agreement (its tickets keep their history but no longer belong to it)."""
    with transaction.atomic():
        delete_audited(agreement, by)
