"""The vault's envelope encryption: AES-256-GCM with a random data key per credential, wrapped by a key-encryption
key (KEK) that lives outside the database.

Keys come from ``BSPOS_VAULT_KEYS`` (``id:base64key,id:base64key``; the first is current, the others only unwrap
older rows until ``bspos vault rotate-key``), else from ``BSPOS_VAULT_KEY_FILE`` (the same text, one key a line),
else from ``BSPOS_DATA_DIR/vault.key``, made once on first use for the embedded run. Nothing here is derived from a
user's password, so a password reset locks nobody out; losing the key loses the vault.

Every ciphertext is bound to its row and field by the associated data (``credential:<seal>:<field>``), so a
ciphertext copied into another row or field fails to open instead of showing the wrong secret.
"""

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

NONCE = 12


class VaultKeyError(Exception):
    """The vault key is missing or wrong: nothing is shown and nothing is written."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise VaultKeyError(f"The vault key “{key_id}” this secret was sealed with is not configured "
                                "(BSPOS_VAULT_KEYS or BSPOS_VAULT_KEY_FILE).") from None


def new_key_line(key_id: str | None = None) -> str:
    return f"{key_id or secrets.token_hex(4)}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}"


def parse_keys(text: str, source: str) -> Keyring:
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in text.replace(",", "\n").splitlines():
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        key_id, _, encoded = item.partition(":")
        try:
            key = base64.urlsafe_b64decode(encoded.strip())
        except (binascii.Error, ValueError):
            key = b""
        if not key_id.strip() or len(key) != 32:
            raise VaultKeyError(f"{source}: each key is “id:key”, the key 32 bytes in URL-safe base64 "
                                "(`bspos vault new-key`).")
        keys[key_id.strip()] = key
        order.append(key_id.strip())
    if not order:
        raise VaultKeyError(f"{source} holds no vault key.")
    return Keyring(order[0], keys)


def key_file_path() -> Path:
    configured = os.environ.get("BSPOS_VAULT_KEY_FILE", "").strip()
    return Path(configured) if configured else Path(settings.DATA_DIR) / "vault.key"


def _load() -> Keyring:
    text = os.environ.get("BSPOS_VAULT_KEYS", "").strip()
    if text:
        return parse_keys(text, "BSPOS_VAULT_KEYS")
    path = key_file_path()
    if not path.exists():
        if os.environ.get("BSPOS_VAULT_KEY_FILE", "").strip() or not getattr(settings, "BSPOS_VAULT_GENERATE_KEY",
                                                                                True):
            raise VaultKeyError(f"The vault key file {path} is missing: the vault stays closed.")
        path.parent.mkdir(parents=True, exist_ok=True)  # the embedded run: one key, made once, beside the data
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key_line("k1") + "\n")
    return parse_keys(path.read_text(), str(path))


def keyring_text() -> str:
    """Every configured key as key-file lines, current first (what `bspos backup --include-vault-key` stores)."""
    ring = keyring()
    order = [ring.current_id, *[k for k in ring.keys if k != ring.current_id]]
    return "".join(f"{k}:{base64.urlsafe_b64encode(ring.keys[k]).decode()}\n" for k in order)


@lru_cache(maxsize=1)
def _cached(environment: tuple) -> Keyring:
    return _load()


def keyring() -> Keyring:
    """The configured keys (read once per configuration; tests change the environment and get the new ones)."""
    path = key_file_path()
    stamp = path.stat().st_mtime_ns if path.exists() else None
    return _cached((os.environ.get("BSPOS_VAULT_KEYS", ""), str(path), stamp))


def _aad(seal: str, field: str) -> bytes:
    return f"credential:{seal}:{field}".encode()


def seal_bytes(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_bytes(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    sealed = bytes(sealed)
    try:
        return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], aad)
    except (InvalidTag, ValueError):
        raise VaultKeyError("This secret does not open: the vault key is wrong, or the stored value was "
                            "changed or moved to another credential.") from None


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap(data_key: bytes, seal: str, ring: Keyring | None = None) -> tuple[str, bytes]:
    ring = ring or keyring()
    return ring.current_id, seal_bytes(ring.current, data_key, _aad(seal, f"data-key:{ring.current_id}"))


def unwrap(key_id: str, wrapped: bytes, seal: str, ring: Keyring | None = None) -> bytes:
    ring = ring or keyring()
    return open_bytes(ring.key(key_id), wrapped, _aad(seal, f"data-key:{key_id}"))


def encrypt_field(data_key: bytes, seal: str, field: str, value: str) -> bytes:
    return seal_bytes(data_key, value.encode(), _aad(seal, field))


def decrypt_field(data_key: bytes, seal: str, field: str, sealed: bytes | None) -> str:
    if not sealed:
        return ""
    return open_bytes(data_key, sealed, _aad(seal, field)).decode()


def reuse_hash(secret: str, ring: Keyring | None = None) -> str:
    """A keyed hash of the secret (HMAC-SHA256, key derived from the current vault key) to find reuse in SQL."""
    if not secret:
        return ""
    ring = ring or keyring()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"bspos vault reuse").derive(ring.current)
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()
