"""REST endpoints for the vault: list and fetch credentials (never a secret), create, update, and reveal.

Revealing needs a person: only the signed-in session, confirmed within BSPOS_REAUTH_MINUTES, may call it (a bearer
token meets 403 whatever its scope), and every reveal is written to the access trail like the page's. Contacts
reach the vault through the pages only (what is shared to their company); here they meet 404.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from bspos.clients.models import Client
from bspos.core.api import MAX_ID, Id, Pages, Problem, existing, require_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can, can, is_client_contact, require
from bspos.people.reauth import recently_authenticated
from bspos.vault import services
from bspos.vault.crypto import VaultKeyError
from bspos.vault.filters import CredentialFilter
from bspos.vault.models import Credential, Folder

router = Router(tags=["credentials"])
CredentialQuery = query_schema(CredentialFilter)
PathId = Path(..., ge=1, le=MAX_ID)


class CredentialOut(Schema):
    """A credential without its secret, notes or TOTP seed (those only through `reveal`)."""

    id: int
    client_id: int
    folder_id: int | None
    name: str
    username: str
    url: str
    tags: str
    shared_with_client: bool
    has_totp: bool
    strength: int | None
    reused: bool
    rotated_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_reused(credential: Credential) -> bool:
        if hasattr(credential, "reused"):
            return credential.reused
        return bool(credential.reuse_hash) and Credential.objects.filter(reuse_hash=credential.reuse_hash).exclude(
            pk=credential.pk).exists()


class CredentialPatch(Schema):
    name: text(200, min_length=1) | None = None
    username: text(200) | None = None
    url: text(500) | None = None
    tags: text(300) | None = None
    folder_id: Id | None = None
    shared_with_client: bool | None = None
    secret: text(5000, min_length=1) | None = None
    notes: text(20000) | None = None
    totp_seed: text(500) | None = None


class CredentialIn(CredentialPatch):
    client_id: Id
    name: text(200, min_length=1)
    secret: text(5000, min_length=1)


class RevealOut(Schema):
    secret: str
    notes: str
    totp_code: str | None
    totp_seconds_left: int | None


def _reader(request) -> None:
    if not can(request.user, Can.VAULT_READ):
        if is_client_contact(request.user):
            raise Http404("Not found.")
        require(request.user, Can.VAULT_READ)


def _writer(request) -> None:
    _reader(request)
    require_write(request, Can.VAULT_WRITE)


def _credential(request, credential_id: int) -> Credential:
    return get_object_or_404(Credential.objects.visible_to(request.user).with_reuse(), pk=credential_id)


def _fields(payload: Schema, client_id: int) -> dict:
    data = payload.dict(exclude_unset=True)
    data.pop("client_id", None)
    if "folder_id" in data:
        folder_id = data.pop("folder_id")
        data["folder"] = existing(Folder, folder_id, "folder_id", Folder.objects.filter(client_id=client_id)) \
            if folder_id else None
    return {k: v for k, v in data.items() if v is not None or k == "folder"}


def _closed(error: VaultKeyError):
    return Status(503, {"detail": f"The vault key is missing or wrong: {error}"})


@router.get("/credentials", response=list[CredentialOut])
@paginate(Pages)
def list_credentials(request, filters: Query[CredentialQuery]):
    _reader(request)
    return api_filter(CredentialFilter, request, Credential.objects.visible_to(request.user)).with_reuse().order_by(
        "client_id", "name", "id")


@router.get("/credentials/{int:credential_id}", response=CredentialOut)
def get_credential(request, credential_id: int = PathId):
    _reader(request)
    return _credential(request, credential_id)


@router.post("/credentials", response={201: CredentialOut, 503: Problem})
def create_credential(request, payload: CredentialIn):
    _writer(request)
    client = existing(Client, payload.client_id, "client_id")
    try:
        credential = services.create_credential(by=request.user, client=client, **_fields(payload, client.pk))
    except VaultKeyError as error:
        return _closed(error)
    return Status(201, _credential(request, credential.pk))


@router.patch("/credentials/{int:credential_id}", response={200: CredentialOut, 503: Problem})
def update_credential(request, payload: CredentialPatch, credential_id: int = PathId):
    """Change fields; a new `secret` dates the rotation. Secrets are never sent back."""
    _writer(request)
    credential = _credential(request, credential_id)
    try:
        services.update_credential(credential, by=request.user, **_fields(payload, credential.client_id))
    except VaultKeyError as error:
        return _closed(error)
    return _credential(request, credential_id)


@router.post("/credentials/{int:credential_id}/reveal", response={200: RevealOut, 503: Problem})
def reveal_credential(request, credential_id: int = PathId):
    """The secret, notes and current TOTP code: the signed-in session only, re-authenticated recently; audited."""
    _reader(request)
    credential = _credential(request, credential_id)
    if getattr(request, "api_token", None) is not None:
        raise PermissionDenied("Revealing needs a person: use the signed-in session, not a token.")
    if not recently_authenticated(request):
        raise PermissionDenied("Confirm your identity first (/account/confirm/), then reveal again.")
    address = services.address_of(request)
    try:
        secret = services.reveal(credential, by=request.user, address=address)
        opened = services.open_credential(credential)
        code, left = (services.totp_code(credential, by=request.user, address=address) if credential.has_totp
                      else (None, None))
    except VaultKeyError as error:
        return _closed(error)
    return {"secret": secret, "notes": opened.notes, "totp_code": code, "totp_seconds_left": left}
