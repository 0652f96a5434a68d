"""Reads of the vault: what a deactivated user revealed (to rotate), the secrets not rotated for longest, and
which credentials are at risk (weak, reused, stale, exposed)."""

from datetime import timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from bspos.people.models import User
from bspos.vault.models import Access, Credential

REVEALING = (Access.Action.REVEAL, Access.Action.COPY, Access.Action.TOTP)


def at_risk_after_offboarding(credentials=None):
    """Per deactivated user, the distinct credentials they revealed after the secret last changed, with the last
    reveal: what to rotate. Marking a credential rotated (a newer rotation date) takes it off."""
    credentials = Credential.objects.all() if credentials is None else credentials
    accesses = (Access.objects.filter(user__is_active=False, action__in=REVEALING, credential__in=credentials)
                .filter(Q(credential__rotated_at__isnull=True) | Q(at__gt=F("credential__rotated_at")))
                .values("user", "credential").annotate(last_revealed=Max("at")).order_by("user", "-last_revealed"))
    rows = list(accesses[:2000])
    users = User.objects.in_bulk({r["user"] for r in rows})
    found = Credential.objects.select_related("client").in_bulk({r["credential"] for r in rows})
    return [{"user": users[r["user"]], "credential": found[r["credential"]], "last_revealed": r["last_revealed"]}
            for r in rows]


def oldest_rotations(credentials):
    """Credentials by the date their secret last changed, oldest first."""
    return credentials.not_rotated_since().select_related("client")


WEAK = 1  # zxcvbn 0–1: the list flags these as weak
ROTATE_AFTER_DAYS = 365


def with_risks(credentials, now=None):
    """Annotate each credential's risks, in the database: weak, reused, stale (secret unchanged for a year), and
    exposed (revealed by someone since deactivated after it last changed), and `at_risk` when any holds."""
    now = now or timezone.now()
    exposed = Access.objects.filter(credential=OuterRef("pk"), user__is_active=False, action__in=REVEALING).filter(
        Q(credential__rotated_at__isnull=True) | Q(at__gt=F("credential__rotated_at")))

    def flag(condition) -> ExpressionWrapper:
        return ExpressionWrapper(condition, output_field=BooleanField())

    return (credentials.with_reuse()
            .annotate(last_changed=Coalesce("rotated_at", "created_at"), exposed=Exists(exposed),
                      weak=flag(Q(strength__lte=WEAK)))
            .annotate(stale=flag(Q(last_changed__lt=now - timedelta(days=ROTATE_AFTER_DAYS))))
            .annotate(at_risk=flag(Q(weak=True) | Q(reused=True) | Q(stale=True) | Q(exposed=True))))


REASONS = {"weak": "weak", "reused": "reused", "stale": "not rotated for a year",
           "exposed": "revealed by a deactivated user"}


def at_risk_credentials(credentials, *, now=None, limit: int = 10) -> dict:
    """How many of these credentials are at risk and why (counted in the database), and the first `limit` of them
    with their reasons, oldest secret first: the SBR pack's figure."""
    rows = with_risks(credentials, now)
    # grouped by the four flags (at most 16 rows): an aggregate over these annotations loses them (Django 5.2)
    groups = list(rows.order_by().values(*REASONS).annotate(count=Count("pk")))
    counts = {"total": sum(group["count"] for group in groups),
              "at_risk": sum(group["count"] for group in groups if any(group[name] for name in REASONS)),
              **{name: sum(group["count"] for group in groups if group[name]) for name in REASONS}}
    first = rows.filter(at_risk=True).order_by("last_changed", "pk").only("pk", "name", "rotated_at", "created_at",
                                                                         "strength")[:limit]
    items = [{"name": row.name, "last_changed": timezone.localtime(row.last_changed).date().isoformat(),
              "reasons": [label for name, label in REASONS.items() if getattr(row, name)]} for row in first]
    return {**counts, "items": items}
