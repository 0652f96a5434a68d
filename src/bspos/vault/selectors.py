"""Reads of the vault: what a deactivated user revealed (to rotate) and the secrets not rotated for longest."""

from django.db.models import F, Max, Q

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
