"""Writes to a client's documentation: create, change and delete each kind, audited, validated on every path;
relate two records and undo it; tell staff, once per threshold, what is about to end."""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from bspos.audit.services import audited, delete_audited, record
from bspos.clients.models import Client
from bspos.core.templatetags.formats import day
from bspos.documentation.models import (
    NOTICE_DAYS,
    RELATABLE,
    Certificate,
    Domain,
    ExpiryNotice,
    Licence,
    Network,
    Record,
    RecordType,
    Relation,
    relatable_kind,
)
from bspos.documentation.selectors import expiring
from bspos.notifications.models import Event
from bspos.notifications.selectors import service_managers
from bspos.notifications.services import notify
from bspos.people.models import User

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
    """Delete a row, and the relations it was part of (a post_delete receiver does the same for other apps' rows)."""
    Relation.objects.of(instance).delete()
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


# --- how things connect -----------------------------------------------------------------------------------------

def relate(one: models.Model, other: models.Model, *, by, note: str = "") -> Relation:
    """Record that two records of one client connect, once whichever side it is added from; audited."""
    if relatable_kind(type(one)) is None or relatable_kind(type(other)) is None:
        raise ValidationError({"other": f"Only {', '.join(RELATABLE)} can be related."})
    if one.client_id != other.client_id:
        raise ValidationError({"other": "Relate only records of the same client."})
    first, second = sorted(((ContentType.objects.get_for_model(row), row) for row in (one, other)),
                           key=lambda pair: (pair[0].pk, pair[1].pk))
    if (first[0].pk, first[1].pk) == (second[0].pk, second[1].pk):
        raise ValidationError({"other": "A record cannot be related to itself."})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": "Say how they connect in up to 200 characters."})
    with transaction.atomic():
        if Relation.objects.filter(a_type=first[0], a_id=first[1].pk, b_type=second[0], b_id=second[1].pk).exists():
            raise ValidationError({"other": f"“{one}” and “{other}” are already related."})
        relation = Relation.objects.create(client_id=one.client_id, a_type=first[0], a_id=first[1].pk,
                                           b_type=second[0], b_id=second[1].pk, note=note,
                                           created_by=by if getattr(by, "pk", None) else None)
        record(by, relation, None)
    return relation


@transaction.atomic
def unrelate(relation: Relation, *, by) -> None:
    """Remove a relation (from either side's page); audited."""
    delete_audited(relation, by)


def forget_relations(sender, instance: models.Model, **kwargs) -> None:
    """post_delete of any relatable row (an asset, a credential…): its relations go with it."""
    Relation.objects.of(instance).delete()


# --- expiry notices ---------------------------------------------------------------------------------------------

def notice_threshold(days_left: int) -> int | None:
    """The threshold an end `days_left` days away has reached: the smallest of 30/14/7/1/0 days at or above it.
    A job that missed a day still tells at the threshold reached, never at one already passed."""
    reached = [days for days in NOTICE_DAYS if days_left <= days]
    return min(reached) if reached else None


def notify_expiring(*, today: date | None = None) -> int:
    """Tell the client's account manager and the service managers of each domain, certificate, licence, warranty
    and agreement ending within 30 days, once per threshold (30, 14, 7, 1 and 0 days before); returns how many
    items were told about. Run daily by `documentation.tasks.notify_expiring`."""
    today = today or timezone.localdate()
    due = [(item, notice_threshold(item.days_left)) for item in expiring(within_days=max(NOTICE_DAYS), user=None,
                                                                          today=today)]
    due = [(item, days) for item, days in due if days is not None]
    if not due:
        return 0
    sent = set(ExpiryNotice.objects.filter(expires_on__range=(today, today + timedelta(days=max(NOTICE_DAYS))))
               .values_list("kind", "object_id", "expires_on", "days"))
    new = [(item, days) for item, days in due if (item.kind, item.object_id, item.expires_on, days) not in sent]
    if not new:
        return 0
    managers = list(service_managers())
    account_managers = dict(Client.objects.filter(pk__in={item.client_id for item, _ in new}).values_list(
        "pk", "account_manager"))
    people = {user.pk: user for user in managers}
    people.update(User.objects.in_bulk({pk for pk in account_managers.values() if pk}))
    with transaction.atomic():
        ExpiryNotice.objects.bulk_create([ExpiryNotice(kind=item.kind, object_id=item.object_id,
                                                       expires_on=item.expires_on, days=days) for item, days in new])
        for item, _days in new:
            when = ("today" if item.days_left == 0 else "tomorrow" if item.days_left == 1
                    else f"in {item.days_left} days")
            recipients = [*managers, people.get(account_managers.get(item.client_id))]
            notify(event=Event.EXPIRING, ticket=None, url=item.path, recipients=recipients,
                   text=f"{item.kind_label} {item.name} of {item.client_name} ends {when} "
                        f"({day(item.expires_on)})")
    return len(new)
