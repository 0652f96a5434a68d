"""Recording the audit trail: call `snapshot` before a change and `record` after it, inside the same transaction
(or wrap the change in `audited`, or delete with `delete_audited`)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.db.models.fields.files import FieldFile

from bspos.audit.models import AuditEvent

Snapshot = dict[str, object]


def _plain(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name  # a stored file is recorded by its path in the storage
    return value


def snapshot(instance: Model) -> Snapshot:
    """The audited values of a row (concrete fields, foreign keys as ids), JSON-ready."""
    return {field.attname: _plain(getattr(instance, field.attname)) for field in instance._meta.concrete_fields
            if field.attname not in {"id", "updated_at"}}


def _event(actor, instance: Model, before: Snapshot | None, deleted: bool = False) -> AuditEvent | None:
    """The unsaved audit event of what changed between `before` and the row now; None when nothing changed."""
    after = {} if deleted else snapshot(instance)
    if deleted:
        action, changes = AuditEvent.Action.DELETED, {k: [v, None] for k, v in (before or {}).items()}
    elif before is None:
        action, changes = AuditEvent.Action.CREATED, {k: [None, v] for k, v in after.items() if v not in (None, "")}
    else:
        action = AuditEvent.Action.CHANGED
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if not changes:
            return None
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None, action=action,
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk,
        object_repr=str(instance)[:250], changes=changes,
    )


def record(actor, instance: Model, before: Snapshot | None, *, deleted: bool = False) -> AuditEvent | None:
    """Store what changed between `before` and the row now; nothing when nothing changed."""
    event = _event(actor, instance, before, deleted)
    if event is not None:
        event.save()
    return event


def record_created(actor, instances: Sequence[Model]) -> list[AuditEvent]:
    """Store the creation of many rows in one insert (a batch of alert tickets): the same events as `record`."""
    return AuditEvent.objects.bulk_create([_event(actor, instance, None) for instance in instances])


@contextmanager
def audited(instance: Model, actor) -> Iterator[None]:
    """Record who changed what on `instance` during the block (in the caller's transaction)."""
    before = snapshot(instance) if instance.pk else None
    yield
    record(actor, instance, before)


def delete_audited(instance: Model, actor) -> None:
    """Delete a row and record the values it held (in the caller's transaction)."""
    before, pk = snapshot(instance), instance.pk
    instance.delete()
    instance.pk = pk
    record(actor, instance, before, deleted=True)


def history(instance: Model):
    """The audit events of one row, newest first."""
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(instance),
                                     object_id=instance.pk).select_related("actor")
