"""Mail secrets at rest (the OAuth2 client secret, refresh and access tokens): AES-256-GCM, key outside the database.

The key is ``BSPOS_MAIL_SECRETS_KEY`` (32 bytes, URL-safe base64, like ``BSPOS_BACKUP_KEY``) when set; otherwise it is
derived from Django's ``SECRET_KEY`` with HKDF-SHA256, so an installation works without one more setting and a
database dump alone never reveals the tokens. Set the dedicated key to rotate ``SECRET_KEY`` without re-entering
the mailbox's secrets. Each value gets a random 96-bit nonce; the field name is the associated data, so a sealed
client secret cannot be swapped into the refresh-token column.
"""

import base64
import binascii
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "v1:"


class SecretsKeyError(ValueError):
    pass


def _key() -> bytes:
    text = os.environ.get("BSPOS_MAIL_SECRETS_KEY", "").strip()
    if text:
        try:
            key = base64.urlsafe_b64decode(text)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            raise SecretsKeyError("BSPOS_MAIL_SECRETS_KEY must be 32 bytes in URL-safe base64.")
        return key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"bspos mail secrets").derive(settings.SECRET_KEY.encode())


def seal(value: str, field: str) -> str:
    if not value:
        return ""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key()).encrypt(nonce, value.encode(), field.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def open_sealed(text: str, field: str) -> str:
    if not text:
        return ""
    if not text.startswith(PREFIX):
        raise SecretsKeyError(f"The stored {field} is not sealed by bspos.")
    raw = base64.urlsafe_b64decode(text[len(PREFIX):])
    try:
        return AESGCM(_key()).decrypt(raw[:12], raw[12:], field.encode()).decode()
    except InvalidTag as error:
        raise SecretsKeyError(f"The stored {field} cannot be opened with this key (BSPOS_MAIL_SECRETS_KEY or "
                              "SECRET_KEY changed?): enter it again.") from error
