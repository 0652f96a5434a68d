"""API tokens: create (the secret is returned once), authenticate by hash, revoke; creating and revoking are
audited."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bspos.api.models import ApiToken
from bspos.audit.services import record, snapshot
from bspos.people.models import User

TOKEN_PREFIX = "bsp_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(*, user: User, name: str, scope: str, by: User | None = None) -> tuple[ApiToken, str]:
    """A new token for the user; returns it with the secret, which is never stored or shown again."""
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": "Scope must be “read” or “write”."})
    if not name or not name.strip() or "\x00" in name:
        raise ValidationError({"name": "Give the token a name, e.g. the script that uses it."})
    if not user.is_active:
        raise ValidationError({"user": "The user is inactive."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], scope=scope, prefix=secret[:12],
                                    secret_hash=_hash(secret))
    record(by or user, token, None)
    return token, secret


def authenticate_token(secret: str) -> ApiToken | None:
    """The active token with this secret (and records its use), or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (ApiToken.objects.select_related("user").filter(secret_hash=_hash(secret), revoked_at__isnull=True,
                                                            user__is_active=True).first())
    if token is not None:
        token.last_used_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token


@transaction.atomic
def revoke_token(*, token: ApiToken, by: User | None = None) -> ApiToken:
    """Revoke the token from now on (revoking twice changes nothing)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        before = snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(by or token.user, token, before)
    return token
