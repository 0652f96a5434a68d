"""Writes to a client's documentation: create, change and delete each kind, audited, validated on every path."""

from django.core.exceptions import ValidationError
from django.db import models, transaction

from bspos.audit.services import audited, delete_audited
from bspos.documentation.models import Certificate, Domain, Licence, Network, Record, RecordType

KINDS: dict[str, type[models.Model]] = {"domains": Domain, "certificates": Certificate, "licences": Licence,
                                        "networks": Network, "records": Record}
MANY = {"assigned_contacts", "assigned_assets"}


def _check_assignments(instance: models.Model, many: dict) -> None:
    """Contacts and assets a licence is assigned to belong to the licence's client."""
    for name, rows in many.items():
        if any(row.client_id != instance.client_id for row in rows):
            raise ValidationError({name: "Assign only the licence's own client's contacts and assets."})


def _save(instance: models.Model, fields: dict, by) -> models.Model:
    many = {name: list(fields.pop(name)) for name in list(fields) if name in MANY}
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    _check_assignments(instance, many)
    with transaction.atomic(), audited(instance, by):
        instance.save()
        for name, rows in many.items():
            getattr(instance, name).set(rows)
    return instance


def create(model: type[models.Model], *, by, **fields) -> models.Model:
    """A new documentation row of `model` for `fields["client"]`; ValidationError with field messages otherwise."""
    return _save(model(), fields, by)


def update(instance: models.Model, *, by, **fields) -> models.Model:
    """Change a row; the client it belongs to stays."""
    fields.pop("client", None)
    fresh = type(instance).objects.get(pk=instance.pk)
    return _save(fresh, fields, by)


@transaction.atomic
def delete(instance: models.Model, *, by) -> None:
    delete_audited(instance, by)


def create_record_type(*, by, name: str, layout: list) -> RecordType:
    return _save(RecordType(), {"name": name, "layout": layout}, by)


def update_record_type(record_type: RecordType, *, by, **fields) -> RecordType:
    """Change a type's name or layout; every record of it must still fit the new layout (nothing half-applied)."""
    with transaction.atomic():
        saved = _save(RecordType.objects.select_for_update().get(pk=record_type.pk), fields, by)
        for record in Record.objects.filter(record_type=saved):
            try:
                record.full_clean()
            except ValidationError as error:
                message = f"“{record.name}” no longer fits: {' '.join(error.messages)}"
                raise ValidationError({"layout": message}) from error
    return saved
