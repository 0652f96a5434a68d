"""Webhooks out: subscriptions, signed deliveries persisted with the change, retried with exponential backoff.

A delivery is a row written in the same transaction as the event, so a rolled-back change sends nothing and a
committed one is never lost. After commit a task of the django-tasks database worker sends it. Sending first
*claims* the row (attempt counted, `next_attempt_at` pushed one lease ahead) and commits; if the worker dies
mid-delivery the row is still pending and the scheduled job `intake.resume_webhooks` (or `bspos resume-webhooks`)
queues it again once its lease has run out. Receivers de-duplicate by the delivery id.

Signature: ``X-Bspos-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>`` with the timestamp
(Unix seconds) in ``X-Bspos-Timestamp``; see docs/intake.md for the verification recipe.
"""

import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bspos.intake.models import Delivery, Event, Subscription

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 30  # 30 s, 1 min, 2 min, 4 min … (capped at 6 h)
BACKOFF_CAP = 6 * 3600
# A claimed delivery is due again after this if its worker vanished (seconds; tests shorten it).
LEASE = timedelta(seconds=int(os.environ.get("BSPOS_WEBHOOK_LEASE_SECONDS", "120")))
TIMEOUT_SECONDS = 10


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: 30 s × 2^(attempts-1), capped."""
    return timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP))


def sign(secret: str, timestamp: str, body: str) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: int = 300) -> bool:
    """The receiver's check (the recipe in docs/intake.md): HMAC matches and the timestamp is recent."""
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return age <= tolerance and hmac.compare_digest(expected, signature)


# --- subscriptions ---------------------------------------------------------------------------------------------


def _clean_events(events) -> list[str]:
    events = [e for e in dict.fromkeys(events or [])] if isinstance(events, list | tuple) else []
    unknown = [e for e in events if e not in Event.values]
    if unknown or not events:
        raise ValidationError({"events": "Choose one or more of: " + ", ".join(Event.values) + "."})
    return events


def allowed_networks() -> list:
    """Private networks the owner has allowed webhooks to reach (``BSPOS_WEBHOOK_ALLOWED_NETWORKS``, CIDRs)."""
    text = os.environ.get("BSPOS_WEBHOOK_ALLOWED_NETWORKS", "")
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


def refused_address(url: str) -> str:
    """Why a webhook may not go to this URL's host, or "" when it may.

    Webhooks leave the building: a URL whose host is (or resolves to) a loopback, link-local, private or reserved
    address would let anyone who can add a subscription reach the MSP's own network (the database, the cloud
    metadata service at 169.254.169.254). Such addresses are refused unless a network holding them is listed in
    BSPOS_WEBHOOK_ALLOWED_NETWORKS. Checked when a subscription is saved and again before every delivery.
    """
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError):
        return ""  # does not resolve (yet): the delivery says so when it tries
    allowed = allowed_networks()
    for text in sorted(addresses):
        address = ipaddress.ip_address(text.split("%")[0])
        if not address.is_global and not any(address in network for network in allowed):
            return (f"{host} is a private address ({address}); webhooks go only to public addresses unless the "
                    f"owner allows the network with BSPOS_WEBHOOK_ALLOWED_NETWORKS.")
    return ""


def validated(*, name: str, url: str, events) -> tuple[str, str, list[str]]:
    """A subscription's name, URL (http or https) and events, cleaned; or the messages per field."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Give the subscription a name."
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["url"] = "Enter an http:// or https:// URL."
    else:
        if refusal := refused_address(url):
            errors["url"] = refusal
    try:
        events = _clean_events(events)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return name[:100], url, events


@transaction.atomic
def create_subscription(*, name: str, url: str, events: list[str], secret: str = "") -> Subscription:
    name, url, events = validated(name=name, url=url, events=events)
    subscription = Subscription(name=name, url=url, events=events, secret=secret or secrets.token_urlsafe(32))
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def update_subscription(subscription: Subscription, *, is_active: bool | None = None,
                        events: list[str] | None = None, name: str | None = None,
                        url: str | None = None) -> Subscription:
    """Change what a subscription hears and where it sends; its secret stays."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.name, subscription.url, subscription.events = validated(
        name=subscription.name if name is None else name, url=subscription.url if url is None else url,
        events=subscription.events if events is None else events)
    if is_active is not None:
        subscription.is_active = is_active
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def delete_subscription(*, subscription: Subscription) -> None:
    """Remove the subscription and its delivery log (pending deliveries are never sent)."""
    subscription.delete()


# --- deliveries ------------------------------------------------------------------------------------------------


_cache: ContextVar[dict | None] = ContextVar("intake_subscriptions", default=None)


@contextmanager
def cached_subscribers() -> Iterator[None]:
    """Within the block (one request's batch) the active subscriptions are read once."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def subscribers(event: str) -> list[Subscription]:
    cache = _cache.get()
    if cache is None:
        active = list(Subscription.objects.filter(is_active=True).only("pk", "events"))
    else:
        if "active" not in cache:
            cache["active"] = list(Subscription.objects.filter(is_active=True).only("pk", "events"))
        active = cache["active"]
    return [s for s in active if event in (s.events or [])]


def emit(event: str, data: dict, *, at: datetime | None = None,
         subscriptions: list[Subscription] | None = None) -> list[Delivery]:
    """Persist one delivery per active subscription to `event`; each is queued once the transaction commits."""
    return emit_all(event, [data], at=at, subscriptions=subscriptions)


def emit_all(event: str, items: list[dict], *, at: datetime | None = None,
             subscriptions: list[Subscription] | None = None) -> list[Delivery]:
    """`emit` for many events of one kind (a batch's tickets or alerts): every delivery in one insert."""
    subscriptions = subscribers(event) if subscriptions is None else subscriptions
    if not subscriptions or not items:
        return []
    at = at or timezone.now()
    deliveries = []
    for data in items:
        for subscription in subscriptions:
            delivery_id = uuid.uuid4()
            body = json.dumps({"id": str(delivery_id), "event": event, "created_at": at.isoformat(), "data": data},
                              cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True)
            deliveries.append(Delivery(delivery_id=delivery_id, subscription=subscription, event=event, body=body,
                                       created_at=at, next_attempt_at=at))
    Delivery.objects.bulk_create(deliveries)
    pks = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [enqueue(pk) for pk in pks])
    return deliveries


def enqueue(pk: int, run_after: datetime | None = None) -> None:
    if run_after is not None and run_after > timezone.now():
        deliver.using(run_after=run_after).enqueue(pk)
    else:
        deliver.enqueue(pk)


def _claim(pk: int) -> Delivery | None:
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(of=("self",)).select_related("subscription")
                    .filter(pk=pk, state=Delivery.State.PENDING).first())
        if delivery is None or delivery.next_attempt_at > timezone.now():
            return None  # delivered, given up, or claimed by another run (whoever set the time queued it)
        delivery.attempts += 1
        delivery.next_attempt_at = timezone.now() + LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver answers itself: a redirect (possibly to a private address) counts as a failed delivery."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(delivery: Delivery) -> tuple[int | None, str]:
    """Send it once: (HTTP status or None, error text)."""
    if refusal := refused_address(delivery.subscription.url):
        return None, refusal
    timestamp = str(int(time.time()))
    request = urllib.request.Request(delivery.subscription.url, data=delivery.body.encode(), method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "bspos-webhooks/1",
        "X-Bspos-Event": delivery.event, "X-Bspos-Delivery": str(delivery.delivery_id),
        "X-Bspos-Timestamp": timestamp, "X-Bspos-Signature": sign(delivery.subscription.secret, timestamp,
                                                                  delivery.body)})
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:  # http/https only (validated)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:500]


def attempt(pk: int) -> str | None:
    """One delivery attempt: claim, send, record; schedules the retry. Returns the new state (None: not due)."""
    delivery = _claim(pk)
    if delivery is None:
        return None
    status, error = post(delivery)
    now = timezone.now()
    delivery.last_status, delivery.last_error = status, error
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.last_error = Delivery.State.DELIVERED, now, ""
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = Delivery.State.FAILED
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    with transaction.atomic():
        delivery.save(update_fields=["state", "delivered_at", "last_status", "last_error", "next_attempt_at"])
        if delivery.state == Delivery.State.PENDING:
            run_after = delivery.next_attempt_at
            transaction.on_commit(lambda: enqueue(pk, run_after))
    return delivery.state


@task()
def deliver(pk: int) -> str | None:
    return attempt(pk)


def resume_pending(*, overdue_by: timedelta | None = None) -> int:
    """Queue every pending delivery again (at its due time): after a worker crash or a restart. With `overdue_by`
    (the scheduled job) only those still pending that long after their due time: their task was lost."""
    pending = Delivery.objects.filter(state=Delivery.State.PENDING)
    if overdue_by is not None:
        pending = pending.filter(next_attempt_at__lt=timezone.now() - overdue_by)
    pending = list(pending.values_list("pk", "next_attempt_at"))
    for pk, due in pending:
        enqueue(pk, due)
    return len(pending)


@transaction.atomic
def redeliver(delivery: Delivery) -> Delivery:
    """Send a failed (or pending) delivery again now, same delivery id."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state == Delivery.State.DELIVERED:
        raise ValidationError("This delivery was delivered; nothing to resend.")
    delivery.state, delivery.next_attempt_at = Delivery.State.PENDING, timezone.now()
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.attempts = MAX_ATTEMPTS - 1
    delivery.save(update_fields=["state", "next_attempt_at", "attempts"])
    pk = delivery.pk
    transaction.on_commit(lambda: enqueue(pk))
    return delivery


# --- what the other apps send ----------------------------------------------------------------------------------


def ticket_payload(ticket) -> dict:
    return {"number": ticket.number, "subject": ticket.subject, "status": ticket.status,
            "priority": ticket.priority, "client_id": ticket.client_id, "source": ticket.source,
            "asset_id": ticket.asset_id, "assignee_id": ticket.assignee_id,
            "created_at": ticket.created_at, "resolved_at": ticket.resolved_at}


def on_tickets_created(sender, tickets, **kwargs) -> None:
    emit_all(Event.TICKET_CREATED, [ticket_payload(ticket) for ticket in tickets])


def on_ticket_updated(sender, ticket, changed=(), **kwargs) -> None:
    emit(Event.TICKET_UPDATED, {**ticket_payload(ticket), "changed": sorted(changed)})


def on_status_changed(sender, ticket, previous, status, **kwargs) -> None:
    emit(Event.TICKET_UPDATED, {**ticket_payload(ticket), "changed": ["status"], "previous_status": previous})
    if status == "resolved":
        emit(Event.TICKET_RESOLVED, ticket_payload(ticket))


def on_invoices_issued(sender, invoices, **kwargs) -> None:
    emit_all(Event.INVOICE_ISSUED, [{
        "id": invoice.pk, "number": invoice.number, "client_id": invoice.client_id, "kind": invoice.kind,
        "issued_on": invoice.issued_on, "period_start": invoice.period_start, "period_end": invoice.period_end,
        "total": str(invoice.total)} for invoice in invoices])
