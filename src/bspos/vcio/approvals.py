"""The client's approval of proposed roadmap items: a no-login link (or the portal), decisions, who decided and when.

An item is decided through a link once, and only while it is still proposed: a decision made anywhere since the
link was sent (another link, the portal, the vCIO replanning it) takes it off that link.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from bspos.audit.services import record, snapshot
from bspos.clients.models import Client
from bspos.core.services import absolute_url
from bspos.mail import conf as mail_conf
from bspos.notifications.models import Event
from bspos.notifications.services import notify
from bspos.vcio.models import ApprovalLink, RoadmapDecision, RoadmapItem, RoadmapStatus
from bspos.vcio.signals import roadmap_item_decided

LINK_DAYS = 14
MOVES_TO = {RoadmapDecision.Decision.APPROVED: RoadmapStatus.PLANNED,
            RoadmapDecision.Decision.DECLINED: RoadmapStatus.CANCELLED}


class ApprovalRefused(Exception):
    """The link is unknown, withdrawn or expired; the message says which, for the person holding it."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_links(client: Client | int) -> QuerySet[ApprovalLink]:
    """The client's links that still open: not withdrawn, not expired."""
    return ApprovalLink.objects.filter(client=client, revoked_at__isnull=True, expires_at__gt=timezone.now())


def decidable(link: ApprovalLink) -> QuerySet[RoadmapItem]:
    """The items on the link that can still be decided through it: proposed, and not decided since it was sent."""
    decided_since = RoadmapDecision.objects.filter(item=OuterRef("pk"), decided_at__gte=link.created_at)
    return link.items.filter(status=RoadmapStatus.PROPOSED).exclude(Exists(decided_since)).order_by(
        "quarter", "priority", "pk")


def waiting_count(client: Client) -> int:
    """How many proposed items wait for the client's decision on its open links."""
    return RoadmapItem.objects.filter(
        status=RoadmapStatus.PROPOSED, approval_links__in=open_links(client)).distinct().count()


@transaction.atomic
def create_approval_link(*, client: Client, items: list[RoadmapItem] | None = None, sent_to_name: str = "",
                         sent_to: str = "", message: str = "", by=None, days: int = LINK_DAYS,
                         ) -> tuple[ApprovalLink, str]:
    """A link listing proposed items of the client (all of them unless chosen); the token is returned once and only
    its SHA-256 is kept. With an address, the link is emailed to it."""
    proposed = RoadmapItem.objects.filter(client=client, status=RoadmapStatus.PROPOSED)
    chosen = list(proposed if items is None else proposed.filter(pk__in=[item.pk for item in items]))
    if items is not None and len(chosen) != len({item.pk for item in items}):
        raise ValidationError("Only the client's proposed items can be sent for approval.")
    if not chosen:
        raise ValidationError(f"{client.name} has no proposed roadmap items to approve.")
    if not 1 <= days <= 90:
        raise ValidationError("A link works for 1 to 90 days.")
    token = secrets.token_urlsafe(32)
    link = ApprovalLink.objects.create(
        client=client, token_hash=_hash(token), sent_to_name=sent_to_name.strip()[:200], sent_to=sent_to.strip(),
        message=message.strip()[:5000], expires_at=timezone.now() + timedelta(days=days), created_by=by)
    link.items.set(chosen)
    record(by, link, None)
    if link.sent_to:
        url = absolute_url(reverse("approval", args=[token]))
        transaction.on_commit(lambda: _email_link(link, url, len(chosen)))
    return link, token


def _email_link(link: ApprovalLink, url: str, count: int) -> None:
    sender = link.created_by.get_full_name() if link.created_by else "Your IT partner"
    send_mail(f"{count} IT plan item(s) for {link.client.name} to approve",
              f"{link.message}\n\n{sender} asks you to approve or decline {count} item(s) of your IT roadmap:\n{url}\n"
              f"\nThe link works until {timezone.localtime(link.expires_at):%d %B %Y}; no login is needed.\n",
              mail_conf.from_address(), [link.sent_to], fail_silently=True)


@transaction.atomic
def revoke_approval_link(*, link: ApprovalLink, by=None) -> bool:
    """Withdraw a link; True when it was still open."""
    if not ApprovalLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        return False
    link.refresh_from_db()
    record(by, link, {"revoked_at": None})
    return True


def open_approval_link(token: str) -> ApprovalLink:
    link = ApprovalLink.objects.select_related("client", "created_by").filter(token_hash=_hash(token or "")).first()
    _refuse_if_closed(link)
    return link


def _refuse_if_closed(link: ApprovalLink | None, at: datetime | None = None) -> None:
    if link is None:
        raise ApprovalRefused("This link is not valid. Ask your IT partner for a new one.")
    if link.revoked_at:
        raise ApprovalRefused("This link was withdrawn. Ask your IT partner for a new one.")
    if link.expires_at <= (at or timezone.now()):
        raise ApprovalRefused(f"This link expired on {timezone.localtime(link.expires_at):%d %B %Y}. "
                              "Ask your IT partner for a new one.")


@transaction.atomic
def decide_items(*, link: ApprovalLink, decisions: dict[int, tuple[str, str]], name: str, user=None,
                 at: datetime | None = None) -> list[RoadmapDecision]:
    """Record the client's decisions (item id → (approved|declined, comment)) given through the link or the
    portal: each moves its item (approved → planned, declined → cancelled), is audited and tells the vCIO who sent
    the link. Items not on the link, or no longer decidable through it, are left alone; nothing decidable left
    refuses the whole submission and changes nothing."""
    at = at or timezone.now()
    link = ApprovalLink.objects.select_for_update(of=("self",)).select_related("client", "created_by").get(pk=link.pk)
    _refuse_if_closed(link, at)
    name = (name or "").strip()[:200]
    if not name:
        raise ValidationError("Give your name: it is recorded with each decision.")
    chosen = {}
    for item_id, (decision, comment) in decisions.items():
        if not decision:
            continue
        if decision not in MOVES_TO:
            raise ValidationError(f"“{decision}” is not a decision; approve or decline.")
        chosen[item_id] = (decision, (comment or "").strip()[:2000])
    if not chosen:
        raise ValidationError("Approve or decline at least one item.")
    items = list(decidable(link).select_for_update(of=("self",)).filter(pk__in=chosen))
    if not items:
        raise ValidationError("These items were already decided; nothing was changed.")
    made = []
    for item in items:
        decision, comment = chosen[item.pk]
        before = snapshot(item)
        item.status = MOVES_TO[decision]
        item.save(update_fields=["status"])
        record(user, item, before)
        row = RoadmapDecision.objects.create(item=item, link=link, decision=decision, decided_by_name=name,
                                             decided_by=user if getattr(user, "is_authenticated", False) else None,
                                             comment=comment, decided_at=at)
        record(user, row, None)
        roadmap_item_decided.send(sender=RoadmapItem, item=item, decision=row)
        made.append(row)
    _tell_the_vcio(link, made, name, user)
    return made


def _tell_the_vcio(link: ApprovalLink, made: list[RoadmapDecision], name: str, user) -> None:
    approved = sum(row.decision == RoadmapDecision.Decision.APPROVED for row in made)
    declined = len(made) - approved
    parts = [f"approved {approved}" if approved else "", f"declined {declined}" if declined else ""]
    text = f"{name} ({link.client.name}) {' and '.join(p for p in parts if p)} roadmap item(s)."
    recipients = [link.created_by or link.client.account_manager]
    notify(event=Event.ROADMAP_DECIDED, ticket=None, text=text, recipients=recipients, by=user,
           url=reverse("vcio:roadmap", args=[link.client_id]))
