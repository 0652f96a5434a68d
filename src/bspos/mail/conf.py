"""Mail settings, read from the environment (docs/mail.md)."""

import os
from dataclasses import dataclass


def _flag(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    mailbox: str
    tls: bool


def imap_settings() -> ImapSettings:
    host = os.environ.get("BSPOS_IMAP_HOST", "")
    if not host:
        raise ValueError("Set BSPOS_IMAP_HOST (and BSPOS_IMAP_USER, BSPOS_IMAP_PASSWORD) to fetch mail.")
    tls = _flag("BSPOS_IMAP_TLS", "1")
    return ImapSettings(host=host, port=int(os.environ.get("BSPOS_IMAP_PORT") or (993 if tls else 143)),
                        user=os.environ.get("BSPOS_IMAP_USER", ""), password=os.environ.get("BSPOS_IMAP_PASSWORD", ""),
                        mailbox=os.environ.get("BSPOS_IMAP_MAILBOX", "INBOX"), tls=tls)


def imap_configured() -> bool:
    return bool(os.environ.get("BSPOS_IMAP_HOST"))


def from_address() -> str:
    return os.environ.get("BSPOS_MAIL_FROM", "support@localhost")


def smtp_host() -> str:
    return os.environ.get("BSPOS_SMTP_HOST", "")


def smtp_connection_kwargs() -> dict:
    return {"host": smtp_host(), "port": int(os.environ.get("BSPOS_SMTP_PORT", "25")),
            "username": os.environ.get("BSPOS_SMTP_USER", ""), "password": os.environ.get("BSPOS_SMTP_PASSWORD", ""),
            "use_tls": _flag("BSPOS_SMTP_STARTTLS", "0"), "use_ssl": _flag("BSPOS_SMTP_SSL", "0"), "timeout": 30}


def starttls() -> bool:
    return _flag("BSPOS_IMAP_STARTTLS", "0")


def max_bytes() -> int:
    """Messages larger than this are quarantined unread (default 25 MB)."""
    return int(os.environ.get("BSPOS_MAIL_MAX_BYTES", str(25 * 1024 * 1024)))
