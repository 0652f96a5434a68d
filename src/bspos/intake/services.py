"""Alerts in: sources and their tokens, deduplication into tickets, the unassigned queue; RMM asset sync.

Webhooks out live in intake/webhooks.py.
"""

import hashlib
import math
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DateTimeField, F, FloatField, PositiveIntegerField, Q, Value, When
from django.db.models.functions import Greatest, Least, Lower
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from bspos.assets.models import Asset, AssetType
from bspos.audit.services import delete_audited, record, snapshot
from bspos.clients.models import Client
from bspos.intake.models import Alert, AlertSource, Event, RateBucket
from bspos.people.models import User
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import Source, Status, Ticket
from bspos.sla.models import Priority

TOKEN_PREFIX = "bsa_"
# A priority as impact × urgency, so create_ticket's matrix gives exactly the source's priority.
PRIORITY_LEVELS = {Priority.CRITICAL: (1, 1), Priority.HIGH: (1, 2), Priority.MEDIUM: (2, 2), Priority.LOW: (3, 3)}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- sources -------------------------------------------------------------------------------------------------


@transaction.atomic
def create_source(*, name: str, kind: str = AlertSource.Kind.GENERIC, severity_map: dict | None = None,
                  default_priority: int = Priority.MEDIUM, resolve_on_resolved: bool = True,
                  refire: str = AlertSource.Refire.REOPEN, rate_per_minute: int | None = None,
                  by: User | None = None) -> tuple[AlertSource, str]:
    """A new alert source with its token; the token is returned once and only its hash is stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the source a name, e.g. “Alertmanager prod” or “Tactical RMM”."})
    if AlertSource.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A source named “{name}” exists already."})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    source = AlertSource(name=name[:100], kind=kind, default_priority=default_priority,
                         resolve_on_resolved=resolve_on_resolved, refire=refire, rate_per_minute=rate_per_minute,
                         token_prefix=token[:12], token_hash=_hash(token))
    if severity_map is not None:
        source.severity_map = clean_severity_map(severity_map)
    source.full_clean()
    source.save()
    record(by, source, None)
    return source, token


def clean_severity_map(mapping: dict) -> dict:
    """{severity: priority 1 to 4}, keys lower case; anything else is refused naming the bad pair."""
    if not isinstance(mapping, dict):
        raise ValidationError({"severity_map": "Give severity → priority pairs, e.g. {\"critical\": 1}."})
    cleaned = {}
    for key, value in (mapping or {}).items():
        try:
            priority = int(value)
        except (TypeError, ValueError):
            priority = 0
        if priority not in Priority.values or not str(key).strip():
            raise ValidationError({"severity_map": f"“{key}: {value}” is not severity: priority 1 to 4."})
        cleaned[str(key).strip().lower()] = priority
    return cleaned


def parse_severity_map(text: str) -> dict:
    """`critical=1, warning=3` (one pair per comma or line) → {"critical": 1, "warning": 3}."""
    pairs = {}
    for part in text.replace("\n", ",").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise ValidationError({"severity_map": f"“{part.strip()}” needs the form severity=priority."})
        pairs[key.strip()] = value.strip()
    return clean_severity_map(pairs)


SOURCE_SETTINGS = {"name", "kind", "default_priority", "resolve_on_resolved", "refire", "is_active", "rate_per_minute"}


@transaction.atomic
def update_source(source: AlertSource, *, severity_map: dict | None = None, by: User | None = None,
                  **fields) -> AlertSource:
    """Change a source's rules (or enable/disable it); its token changes only through `rotate_token`."""
    unknown = set(fields) - SOURCE_SETTINGS
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}.")
    source = AlertSource.objects.select_for_update().get(pk=source.pk)
    before = snapshot(source)
    for name, value in fields.items():
        setattr(source, name, value.strip() if name == "name" else value)
    if "name" in fields and AlertSource.objects.filter(name__iexact=source.name).exclude(pk=source.pk).exists():
        raise ValidationError({"name": f"A source named “{source.name}” exists already."})
    if severity_map is not None:
        source.severity_map = clean_severity_map(severity_map)
    source.full_clean()
    source.save()
    record(by, source, before)
    return source


@transaction.atomic
def rotate_token(source: AlertSource, *, by: User | None = None) -> str:
    """A new token for the source (returned once); the old one stops working at once."""
    source = AlertSource.objects.select_for_update().get(pk=source.pk)
    before = snapshot(source)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    source.token_prefix, source.token_hash = token[:12], _hash(token)
    source.save(update_fields=["token_prefix", "token_hash"])
    record(by, source, before)
    return token


@transaction.atomic
def delete_source(*, source: AlertSource, by: User | None = None) -> None:
    """Remove a source that never sent an alert; one with alerts is disabled instead (its alerts stay)."""
    if source.alerts.exists():
        raise ValidationError(f"{source.name} has received alerts; disable it instead (its alerts are kept).")
    delete_audited(source, by)


def authenticate_source(token: str) -> AlertSource | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return AlertSource.objects.filter(token_hash=_hash(token), is_active=True).first()


def rate_per_minute(source: AlertSource) -> int:
    """Requests a minute `source` may send: its own setting, else the install's (BSPOS_INTAKE_RATE_PER_MINUTE)."""
    return source.rate_per_minute or settings.BSPOS_INTAKE_RATE_PER_MINUTE


def take_request_token(*, source: AlertSource, now: float | None = None) -> int | None:
    """Count one request of `source` against its token bucket: None when it may go on, else the seconds to wait.

    The bucket holds a minute's worth of requests and refills at the rate a second. Taking a token is one
    UPDATE … WHERE (the refill computed in SQL), so concurrent requests never both take the last one."""
    now = timezone.now().timestamp() if now is None else now
    rate = rate_per_minute(source)
    capacity, per_second = float(rate), rate / 60
    bucket, _ = RateBucket.objects.get_or_create(source=source, defaults={"tokens": capacity, "refilled_at": now})
    at = Value(now, output_field=FloatField())
    level = Least(Value(capacity, output_field=FloatField()),
                  F("tokens") + (at - F("refilled_at")) * Value(per_second, output_field=FloatField()))
    taken = (RateBucket.objects.filter(pk=bucket.pk).filter(GreaterThanOrEqual(level, 1.0))
             .update(tokens=level - 1, refilled_at=Greatest(at, F("refilled_at"))))
    if taken:
        return None
    bucket.refresh_from_db()
    level_now = min(capacity, bucket.tokens + max(0.0, now - bucket.refilled_at) * per_second)
    return max(1, math.ceil((1 - level_now) / per_second))


# --- alerts ---------------------------------------------------------------------------------------------------


@dataclass
class Incoming:
    """One alert as received, whatever the format: the API layer turns both formats into this."""

    fingerprint: str
    state: str
    title: str
    severity: str = ""
    details: str = ""
    hosts: list[str] = field(default_factory=list)  # host names, instances, RMM ids: first match wins
    labels: dict = field(default_factory=dict)
    link: str = ""
    started_at: datetime | None = None
    at: datetime | None = None


@dataclass
class Received:
    alert_id: int
    fingerprint: str
    action: str  # opened, repeat, resolved, reopened, refired, unassigned, recorded
    ticket: int | None = None


def _candidates(hosts: list[str]) -> list[str]:
    names = []
    for host in hosts:
        host = (host or "").strip()
        if not host:
            continue
        names.append(host)
        if "://" in host:
            host = host.split("://", 1)[1].split("/", 1)[0]
            names.append(host)
        bare = host.rsplit(":", 1)[0] if host.count(":") == 1 else host  # "web1:9100" → "web1"
        names.append(bare)
        names.append(bare.split(".", 1)[0])  # "web1.example.org" → "web1"
    return list(dict.fromkeys(n for n in names if n))[:12]


def match_asset(hosts: list[str]) -> Asset | None:
    """The asset an alert is about: by RMM id first, then by host name (case-insensitive)."""
    return match_assets([hosts])[0]


def match_assets(host_lists: list[list[str]]) -> list[Asset | None]:
    """`match_asset` for each alert of a batch, with one query for all of them."""
    candidates = [_candidates(hosts) for hosts in host_lists]
    names = {name for found in candidates for name in found}
    if not names:
        return [None] * len(host_lists)
    lowered = {name.lower() for name in names}
    found = list(Asset.objects.annotate(lower_name=Lower("name"))
                 .filter(Q(rmm_id__in=names) | Q(lower_name__in=lowered)).select_related("client"))
    by_rmm_id = {asset.rmm_id: asset for asset in found if asset.rmm_id}
    by_name: dict[str, list[Asset]] = {}
    for asset in found:
        by_name.setdefault(asset.name.lower(), []).append(asset)
    matches = []
    for names_of_one in candidates:
        # an RMM id match wins (in the alert's order of hosts), then the first host name that names an asset
        match = next((by_rmm_id[name] for name in names_of_one if name in by_rmm_id), None)
        if match is None:
            match = next((min(by_name[name.lower()], key=lambda a: a.pk) for name in names_of_one
                          if name.lower() in by_name), None)
        matches.append(match)
    return matches


def _ticket_text(alert: Alert, incoming: Incoming) -> str:
    lines = [incoming.details.strip()] if incoming.details.strip() else []
    lines.append(f"Source: {alert.source.name}. Severity: {alert.severity or 'not given'}.")
    if alert.host:
        lines.append(f"Host: {alert.host}")
    if alert.link:
        lines.append(f"Link: {alert.link}")
    if incoming.labels:
        lines.append("Labels: " + ", ".join(f"{k}={v}" for k, v in sorted(incoming.labels.items())))
    return "\n".join(lines)


def _ticket_fields(alert: Alert, incoming: Incoming) -> dict:
    """What create_ticket(s) gets for an alert's ticket: its priority is exactly the source's for the severity."""
    impact, urgency = PRIORITY_LEVELS[Priority(alert.source.priority_for(alert.severity))]
    asset = alert.asset if alert.asset_id and alert.asset.client_id == alert.client_id else None
    return {"client": alert.client, "subject": f"[Alert] {alert.title}"[:250], "source": Source.ALERT,
            "description": _ticket_text(alert, incoming), "impact": impact, "urgency": urgency, "asset": asset}


def _open_ticket(alert: Alert, incoming: Incoming, *, by: User | None = None) -> Ticket:
    return desk.create_ticket(**_ticket_fields(alert, incoming), created_by=by)


def _note(ticket: Ticket, text: str, at: datetime) -> None:
    desk.add_note(ticket, author=None, body=text, is_internal=True, at=max(at, ticket.created_at))


def _validate(incoming: Incoming) -> None:
    errors = {}
    if not incoming.fingerprint or len(incoming.fingerprint) > 200:
        errors["key"] = "Each alert needs a fingerprint/key of 1 to 200 characters."
    if incoming.state not in Alert.State.values:
        errors["status"] = "Status must be “firing” or “resolved”."
    if not incoming.title.strip():
        errors["title"] = "Each alert needs a title (or an alertname label)."
    if incoming.at is not None and timezone.is_naive(incoming.at):
        errors["time"] = "Times need a time zone."
    if errors:
        raise ValidationError(errors)


def receive_alert(*, source: AlertSource, incoming: Incoming, maybe_repeat: bool = True) -> Received:
    """Apply one alert, atomically: open, count a repeat, resolve or re-fire, never two tickets for one alert.

    A repeat of a firing alert is one UPDATE. Otherwise the alert row is locked (or created: the unique
    (source, fingerprint) constraint makes concurrent first sightings meet one row) and the ticket follows.
    `maybe_repeat=False` skips the repeat UPDATE when the caller has just seen that it is not firing.
    """
    _validate(incoming)
    now = timezone.now()
    seen = min(incoming.at or now, now)
    fingerprint = incoming.fingerprint
    if incoming.state == Alert.State.FIRING and maybe_repeat:
        repeats = Alert.objects.filter(source=source, fingerprint=fingerprint, state=Alert.State.FIRING)
        row = repeats.values_list("pk", "ticket__number").first()
        if row and repeats.update(count=F("count") + 1, last_seen=seen):
            return Received(row[0], fingerprint, "repeat", row[1])
    with transaction.atomic():
        return _apply(source, incoming, seen)


def receive_batch(*, source: AlertSource, incoming: list[Incoming]) -> list[Received | ValidationError]:
    """Apply a batch; the answer per alert is Received or its ValidationError (an invalid alert is refused on its own,
    the others are applied). Alerts of different keys are independent; those of one key apply in the batch's order.

    Three steps, each in its own transaction: repeats of alerts already firing (every entry for that key in the batch
    firing too) are counted in one locked UPDATE; first sightings of keys the source has never sent are stored and
    their tickets opened together in bulk statements (`_open_first_sightings`); every other alert goes through
    receive_alert one by one, in the batch's order.
    """
    results: list[Received | ValidationError | None] = [None] * len(incoming)
    statuses: dict[str, set[str]] = {}
    for index, item in enumerate(incoming):
        try:
            _validate(item)
        except ValidationError as error:
            results[index] = error
            continue
        statuses.setdefault(item.fingerprint, set()).add(item.state)
    firing_only = {key for key, states in statuses.items() if states == {Alert.State.FIRING}}
    not_firing = firing_only - _count_repeats(source, incoming, firing_only, results) if firing_only else set()
    from bspos.intake.webhooks import cached_subscribers

    with cached_subscribers():  # one subscriptions query for the whole batch
        _open_first_sightings(source, incoming, results, firing_only)
        for index, item in enumerate(incoming):
            if results[index] is None:
                try:
                    results[index] = receive_alert(source=source, incoming=item,
                                                   maybe_repeat=item.fingerprint not in not_firing)
                except ValidationError as error:
                    results[index] = error
    return results


def _open_first_sightings(source: AlertSource, incoming: list[Incoming], results: list, firing_only: set[str]) -> None:
    """Store the first entry of every key the source has never sent, and open their tickets, in bulk statements: one
    asset match query, one alert insert, create_tickets (numbers in one step and in the batch's order, clocks in one
    pass, one insert, audit, webhooks), one update linking the tickets, one insert of the alert webhooks. Later
    entries of a key that only fires are its repeats, counted in the same row; the key's other entries are left to
    receive_alert, in order.

    The unique (source, fingerprint) constraint keeps dedup under concurrency: keys are inserted in sorted order (so
    concurrent batches wait for each other instead of deadlocking), and if another request stored one of the keys
    first the whole step rolls back and its alerts are applied one by one instead.
    """
    entries: dict[str, list[int]] = {}
    for index, item in enumerate(incoming):
        if results[index] is None:
            entries.setdefault(item.fingerprint, []).append(index)
    if not entries:
        return
    now = timezone.now()
    try:
        with transaction.atomic():
            known = set(Alert.objects.filter(source=source, fingerprint__in=list(entries))
                        .values_list("fingerprint", flat=True))
            new = sorted(set(entries) - known)
            if not new:
                return
            firsts = [incoming[entries[key][0]] for key in new]
            repeats = {key: entries[key][1:] if key in firing_only else [] for key in new}
            alerts = []
            for key, item, asset in zip(new, firsts, match_assets([item.hosts for item in firsts]), strict=True):
                alert = _new_alert(source, item, asset, min(item.at or now, now))
                alert.count += len(repeats[key])
                alert.last_seen = max([alert.last_seen, *(min(incoming[i].at or now, now) for i in repeats[key])])
                alerts.append(alert)
            Alert.objects.bulk_create(alerts)
            actions = [_first_action(alert) for alert in alerts]
            opening = sorted(((alert, item) for alert, item, action in zip(alerts, firsts, actions, strict=True)
                              if action == "opened"), key=lambda pair: entries[pair[0].fingerprint][0])
            tickets = desk.create_tickets(tickets=[_ticket_fields(alert, item) for alert, item in opening])
            for (alert, _item), ticket in zip(opening, tickets, strict=True):
                alert.ticket = ticket
            Alert.objects.bulk_update([alert for alert, _item in opening], ["ticket"])
            from bspos.intake.webhooks import emit_all

            emit_all(Event.ALERT_RECEIVED, [alert_payload(alert, action)
                                            for alert, action in zip(alerts, actions, strict=True)])
    except IntegrityError:  # another request stored one of these keys first: receive_alert applies them one by one
        return
    for key, alert, action in zip(new, alerts, actions, strict=True):
        number = alert.ticket.number if alert.ticket_id else None
        results[entries[key][0]] = Received(alert.pk, key, action, number)
        for index in repeats[key]:
            results[index] = Received(alert.pk, key, "repeat", number)


def _count_repeats(source: AlertSource, incoming: list[Incoming], keys: set[str], results: list) -> set[str]:
    """Count the repeats of `keys` that are firing now; returns those keys."""
    now = timezone.now()
    with transaction.atomic():
        firing = {row[1]: row for row in Alert.objects.select_for_update(of=("self",))
                  .filter(source=source, fingerprint__in=keys, state=Alert.State.FIRING)
                  .values_list("pk", "fingerprint", "ticket__number")}
        if not firing:
            return set()
        counts: dict[str, int] = {}
        last: dict[str, datetime] = {}
        for index, item in enumerate(incoming):
            row = firing.get(item.fingerprint)
            if row is None or results[index] is not None:
                continue
            counts[item.fingerprint] = counts.get(item.fingerprint, 0) + 1
            seen = min(item.at or now, now)
            last[item.fingerprint] = max(seen, last.get(item.fingerprint, seen))
            results[index] = Received(row[0], item.fingerprint, "repeat", row[2])
        Alert.objects.filter(pk__in=[firing[key][0] for key in counts]).update(
            count=F("count") + Case(*[When(pk=firing[key][0], then=Value(n)) for key, n in counts.items()],
                                    output_field=PositiveIntegerField()),
            last_seen=Greatest("last_seen", Case(*[When(pk=firing[key][0], then=Value(at))
                                                   for key, at in last.items()], output_field=DateTimeField())))
    return set(firing)


def _locked(source: AlertSource, fingerprint: str) -> Alert | None:
    return (Alert.objects.select_for_update(of=("self",)).select_related("ticket", "asset")
            .filter(source=source, fingerprint=fingerprint).first())


def _apply(source: AlertSource, incoming: Incoming, seen: datetime) -> Received:
    alert = _locked(source, incoming.fingerprint)
    created = False
    if alert is None:
        alert = _new_alert(source, incoming, match_asset(incoming.hosts), seen)
        try:
            with transaction.atomic():
                alert.save()
            created = True
        except IntegrityError:  # another request saw it first: continue with its row
            alert = _locked(source, incoming.fingerprint)
            if alert is None:
                raise
    alert.source = source
    if created:
        action = _first_sighting(alert, incoming)
    else:
        alert.count += 1
        alert.last_seen = max(alert.last_seen, seen)
        if incoming.state == alert.state:
            action = "repeat"
            alert.save(update_fields=["count", "last_seen"])
        elif incoming.state == Alert.State.RESOLVED:
            action = _resolved(alert, seen)
        else:
            action = _refired(alert, incoming, seen)
    if action != "repeat":
        from bspos.intake.webhooks import emit

        emit(Event.ALERT_RECEIVED, alert_payload(alert, action))
    return Received(alert.pk, alert.fingerprint, action, alert.ticket.number if alert.ticket_id else None)


def _new_alert(source: AlertSource, incoming: Incoming, asset: Asset | None, seen: datetime) -> Alert:
    """The row of an alert seen for the first time (unsaved)."""
    return Alert(source=source, fingerprint=incoming.fingerprint, state=incoming.state,
                 severity=incoming.severity[:40], title=incoming.title.strip()[:250],
                 details=incoming.details, host=", ".join(h for h in incoming.hosts if h)[:200],
                 labels=incoming.labels, link=incoming.link[:500], asset=asset,
                 client=asset.client if asset else None, first_seen=seen, last_seen=seen,
                 started_at=incoming.started_at, count=1,
                 fire_count=1 if incoming.state == Alert.State.FIRING else 0,
                 resolved_at=seen if incoming.state == Alert.State.RESOLVED else None)


def _first_action(alert: Alert) -> str:
    """What a first sighting does: open a ticket for the asset's client, wait unassigned, or only be recorded."""
    if alert.state == Alert.State.RESOLVED:
        return "recorded"  # resolved before we saw it fire: kept, nothing to open
    return "unassigned" if alert.client_id is None else "opened"


def _first_sighting(alert: Alert, incoming: Incoming) -> str:
    action = _first_action(alert)
    if action == "opened":
        alert.ticket = _open_ticket(alert, incoming)
        alert.save(update_fields=["ticket"])
    return action


def _resolved(alert: Alert, seen: datetime) -> str:
    alert.state, alert.resolved_at = Alert.State.RESOLVED, seen
    alert.save(update_fields=["state", "resolved_at", "count", "last_seen"])
    ticket = alert.ticket
    if ticket is not None:
        _note(ticket, f"Alert resolved at {seen:%Y-%m-%d %H:%M} UTC ({alert.source.name}).", seen)
        if alert.source.resolve_on_resolved and ticket.is_open:
            cleared = f"The alert cleared: {alert.source.name} reported it resolved at {seen:%Y-%m-%d %H:%M} UTC."
            desk.change_status(ticket, Status.RESOLVED, at=max(seen, ticket.created_at),
                               resolution=ticket.resolution or cleared)
    return "resolved"


def _refired(alert: Alert, incoming: Incoming, seen: datetime) -> str:
    alert.state, alert.resolved_at = Alert.State.FIRING, None
    alert.fire_count += 1
    alert.started_at = incoming.started_at or alert.started_at
    if alert.client_id is None:  # still unassigned: maybe its asset exists now
        asset = match_asset(incoming.hosts)
        if asset is not None:
            alert.asset, alert.client = asset, asset.client
    ticket = alert.ticket
    action = "refired"
    if ticket is not None and ticket.is_open:
        _note(ticket, f"Alert fired again at {seen:%Y-%m-%d %H:%M} UTC.", seen)
    elif ticket is not None and alert.source.refire == AlertSource.Refire.REOPEN:
        desk.change_status(ticket, Status.OPEN, at=max(seen, ticket.created_at))
        _note(ticket, f"Reopened: the alert fired again at {seen:%Y-%m-%d %H:%M} UTC.", seen)
        action = "reopened"
    elif alert.client_id is not None:
        alert.ticket = _open_ticket(alert, incoming)
        action = "opened"
    else:
        action = "unassigned"
    alert.save()
    return action


def alert_payload(alert: Alert, action: str) -> dict:
    return {"id": alert.pk, "source": alert.source.name, "fingerprint": alert.fingerprint, "state": alert.state,
            "action": action, "title": alert.title, "severity": alert.severity, "host": alert.host,
            "client_id": alert.client_id, "asset_id": alert.asset_id,
            "ticket": alert.ticket.number if alert.ticket_id else None, "count": alert.count,
            "last_seen": alert.last_seen.isoformat()}


@transaction.atomic
def assign_alert(alert: Alert, *, client: Client, asset: Asset | None = None, by: User | None = None) -> Alert:
    """Give an unassigned alert its client (and asset): a firing alert then opens its ticket."""
    alert = Alert.objects.select_for_update(of=("self",)).select_related("source").get(pk=alert.pk)
    if alert.client_id is not None:
        raise ValidationError("This alert already belongs to a client.")
    before = snapshot(alert)
    if asset is not None and asset.client_id != client.pk:
        raise ValidationError({"asset": "The asset belongs to another client."})
    alert.client, alert.asset = client, asset
    if alert.state == Alert.State.FIRING and alert.ticket_id is None:
        incoming = Incoming(fingerprint=alert.fingerprint, state=alert.state, title=alert.title,
                            details=alert.details, labels=alert.labels)
        alert.ticket = _open_ticket(alert, incoming, by=by)
    alert.save(update_fields=["client", "asset", "ticket"])
    record(by, alert, before)
    return alert


# --- RMM asset sync --------------------------------------------------------------------------------------------


@dataclass
class SyncRow:
    rmm_id: str
    hostname: str
    asset_type: str = AssetType.OTHER
    operating_system: str = ""
    serial_number: str = ""
    manufacturer: str = ""
    model: str = ""
    last_seen: datetime | None = None
    client_id: int | None = None
    client_name: str = ""


def stale_after() -> timedelta:
    """BSPOS_ASSET_STALE_DAYS (setting or environment variable), 30 days by default."""
    days = getattr(settings, "BSPOS_ASSET_STALE_DAYS", None) or os.environ.get("BSPOS_ASSET_STALE_DAYS") or 30
    return timedelta(days=int(days))


def sync_asset(row: SyncRow) -> tuple[Asset, bool]:
    """Create or update one asset by its RMM id, atomically; returns (asset, created)."""
    with transaction.atomic():
        asset = Asset.objects.select_for_update().filter(rmm_id=row.rmm_id).first()
        client = _sync_client(row, asset)
        created = asset is None
        if created:
            asset = Asset(rmm_id=row.rmm_id, client=client)
        elif client is not None and client.pk != asset.client_id:
            asset.client, asset.site = client, None
        asset.name = row.hostname
        asset.asset_type = row.asset_type
        for name in ("operating_system", "serial_number", "manufacturer", "model"):
            if getattr(row, name):
                setattr(asset, name, getattr(row, name))
        if row.last_seen is not None:
            asset.last_seen = max(row.last_seen, asset.last_seen) if asset.last_seen else row.last_seen
        asset.stale_since = None if not _is_stale(asset.last_seen) else asset.stale_since or timezone.now()
        asset.full_clean()
        asset.save()
    return asset, created


def _is_stale(last_seen: datetime | None) -> bool:
    return last_seen is not None and last_seen < timezone.now() - stale_after()


def _sync_client(row: SyncRow, asset: Asset | None) -> Client | None:
    if row.client_id:
        client = Client.objects.filter(pk=row.client_id).first()
        if client is None:
            raise ValidationError({"client_id": f"No client with id {row.client_id}."})
        return client
    if row.client_name:
        matches = list(Client.objects.filter(name__iexact=row.client_name.strip())[:2])
        if len(matches) != 1:
            raise ValidationError({"client": f"No single client named “{row.client_name}”."})
        return matches[0]
    if asset is None:
        raise ValidationError({"client": "A new asset needs client_id or client (the client's name)."})
    return None


def mark_stale(*, at: datetime | None = None) -> int:
    """Flag RMM assets not seen for the configured number of days; returns how many became stale."""
    cutoff = (at or timezone.now()) - stale_after()
    return (Asset.objects.filter(rmm_id__isnull=False, stale_since__isnull=True, last_seen__lt=cutoff)
            .update(stale_since=at or timezone.now()))
