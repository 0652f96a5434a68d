"""Optional encryption of backup archives: AES-256-GCM in the STREAM construction (Hoang et al., 2015).

The archive is cut into 1 MiB chunks; each is sealed with a nonce made of a random prefix, the chunk's counter and a
"last chunk" flag, so a reordered, dropped, truncated or extended archive fails to open instead of restoring part of
it. The key (32 bytes, URL-safe base64) comes from ``BSPOS_BACKUP_KEY``, never from the database.
"""

import base64
import binascii
import os
import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"BSPOSBK1"
PREFIX_BYTES = 7
CHUNK = 1024 * 1024
TAG = 16


class BackupKeyError(ValueError):
    pass


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def key_from_env() -> bytes | None:
    text = os.environ.get("BSPOS_BACKUP_KEY", "").strip()
    if not text:
        return None
    try:
        key = base64.urlsafe_b64decode(text)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupKeyError("BSPOS_BACKUP_KEY must be 32 bytes in URL-safe base64 (`bspos backup --new-key`).")
    return key


def is_encrypted(path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def encrypt_file(source, target, key: bytes) -> None:
    aead, prefix = AESGCM(key), secrets.token_bytes(PREFIX_BYTES)
    header = MAGIC + prefix
    with open(source, "rb") as plain, open(target, "wb") as sealed:
        sealed.write(header)
        counter, chunk = 0, plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            last = not following
            sealed.write(aead.encrypt(_nonce(prefix, counter, last), chunk, header))
            if last:
                return
            counter, chunk = counter + 1, following


def decrypt_file(source, target, key: bytes | None) -> None:
    if key is None:
        raise BackupKeyError("This archive is encrypted: set BSPOS_BACKUP_KEY to the key it was made with.")
    aead = AESGCM(key)
    with open(source, "rb") as sealed, open(target, "wb") as plain:
        header = sealed.read(len(MAGIC) + PREFIX_BYTES)
        if header[: len(MAGIC)] != MAGIC or len(header) != len(MAGIC) + PREFIX_BYTES:
            raise BackupKeyError("Not an encrypted bspos archive.")
        prefix, counter = header[len(MAGIC):], 0
        chunk = sealed.read(CHUNK + TAG)
        while True:
            following = sealed.read(CHUNK + TAG)
            last = not following
            try:
                plain.write(aead.decrypt(_nonce(prefix, counter, last), chunk, header))
            except InvalidTag:
                raise BackupKeyError("The archive does not open with this key, or it was changed or cut "
                                     "short.") from None
            if last:
                return
            counter, chunk = counter + 1, following
