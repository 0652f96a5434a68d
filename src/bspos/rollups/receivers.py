"""Every save and delete of a ticket, time entry, invoice or commission marks the months whose facts it changes
(the months of its old and new values), in the change's own transaction. The values a row was loaded with are
kept on it (post_init) so a back-dated move marks the month it left as well as the month it entered.

Writes that bypass the model's save (QuerySet.update, bulk_create) send no signal: the ones bspos makes touch no
input of the roll-ups or only the current month (approval stamps, a billing run's commissions, saved with their
invoice's month), and `bspos rollups rebuild` rebuilds from scratch after anything else (a demo load, a restore)."""

from datetime import date, datetime

from django.conf import settings
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.utils import timezone

from bspos.money.models import Commission, Invoice
from bspos.rollups.services import mark_changed
from bspos.servicedesk.models import Ticket, TimeEntry

# What each model's facts read, and which of those fields say the month a row counts in.
WATCHED = {
    Ticket: ("created_at", "resolved_at", "client_id", "assignee_id", "priority", "escalation_count",
             "resolution_due", "in_scope"),
    TimeEntry: ("started_at", "minutes", "cost_rate", "billable", "client_id", "technician_id", "ticket_id",
                "internal_category"),
    Invoice: ("period_start", "client_id", "subtotal", "kind", "status"),
    Commission: ("period_start", "client_id", "amount", "invoice_id"),
}
MONTHS_OF = {Ticket: ("created_at", "resolved_at"), TimeEntry: ("started_at",), Invoice: ("period_start",),
             Commission: ("period_start",)}
UNKNOWN = object()  # a field deferred when the row was loaded


def _values(instance) -> dict:
    return {name: instance.__dict__.get(name, UNKNOWN) for name in WATCHED[type(instance)]}


def _month(value) -> date | None:
    if value is None or value is UNKNOWN:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        zone = timezone.get_default_timezone()
        value = timezone.localtime(value if timezone.is_aware(value) else timezone.make_aware(value, zone), zone)
        value = value.date()
    return value.replace(day=1)


def _months(model, values: dict) -> set[date]:
    return {m for m in (_month(values.get(name)) for name in MONTHS_OF[model]) if m}


def remember(sender, instance, **kwargs) -> None:
    instance._rollup_seen = _values(instance)


def before_save(sender, instance, update_fields=None, **kwargs) -> None:
    seen = getattr(instance, "_rollup_seen", None)
    if instance._state.adding or seen is None or UNKNOWN not in seen.values():
        return
    stored = sender._base_manager.filter(pk=instance.pk).values(*WATCHED[sender]).first()  # deferred: ask the row
    instance._rollup_seen = {**seen, **(stored or {})}


def after_save(sender, instance, created, update_fields=None, **kwargs) -> None:
    old, new = ({} if created else getattr(instance, "_rollup_seen", {})), _values(instance)
    instance._rollup_seen = new
    changed = {name for name in new if old.get(name, UNKNOWN) != new[name]}
    if not changed:
        return
    months = _months(sender, old) | _months(sender, new)
    if sender is Ticket and "in_scope" in changed and not created:
        months |= _entry_months(instance.pk)  # its time moves between in and out of scope
    if sender is TimeEntry and {"ticket_id"} & changed:
        months |= _resolved_months(instance, old.get("ticket_id"), new.get("ticket_id"))  # "resolved with time"
    mark_changed(months)


def after_delete(sender, instance, **kwargs) -> None:
    values = {**getattr(instance, "_rollup_seen", {}), **{k: v for k, v in _values(instance).items()
                                                          if v is not UNKNOWN}}
    months = _months(sender, values)
    if sender is TimeEntry:
        months |= _resolved_months(instance, values.get("ticket_id"))
    mark_changed(months)


def _entry_months(ticket_id: int) -> set[date]:
    with timezone.override(settings.TIME_ZONE):
        return {m.date().replace(day=1) if isinstance(m, datetime) else m for m in
                TimeEntry.objects.filter(ticket_id=ticket_id).datetimes("started_at", "month")}


def _resolved_months(entry: TimeEntry, *ticket_ids) -> set[date]:
    """The months the tickets were resolved in (an entry added to or taken off a resolved ticket changes them)."""
    ids = [pk for pk in ticket_ids if pk and pk is not UNKNOWN]
    if not ids:
        return set()
    cached = entry._state.fields_cache.get("ticket")
    if cached is not None and [cached.pk] == ids:
        resolved = [cached.resolved_at]
    else:
        resolved = Ticket.objects.filter(pk__in=ids).values_list("resolved_at", flat=True)
    return {m for m in map(_month, resolved) if m}


for model in WATCHED:
    post_init.connect(remember, sender=model, dispatch_uid=f"rollups-init-{model.__name__}")
    pre_save.connect(before_save, sender=model, dispatch_uid=f"rollups-pre-{model.__name__}")
    post_save.connect(after_save, sender=model, dispatch_uid=f"rollups-save-{model.__name__}")
    post_delete.connect(after_delete, sender=model, dispatch_uid=f"rollups-delete-{model.__name__}")
