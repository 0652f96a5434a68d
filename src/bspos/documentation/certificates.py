"""Reading a TLS certificate from its server: connect, take the peer certificate even when it is self-signed or
expired (verification is off for reading, and a second handshake records whether it verifies), parse it with
`cryptography.x509`. A failure records the error and keeps the last good data.
"""

import os
import socket
import ssl
from datetime import UTC
from datetime import datetime as dt

from cryptography import x509
from django.utils import timezone

from bspos.documentation.models import Certificate
from bspos.intake.webhooks import refused_address


def timeout() -> float:
    """Seconds for the connection and the handshake (BSPOS_CERTIFICATE_TIMEOUT, default 10)."""
    try:
        return max(0.5, min(60.0, float(os.environ.get("BSPOS_CERTIFICATE_TIMEOUT", "10"))))
    except ValueError:
        return 10.0


def _handshake(host: str, port: int, context: ssl.SSLContext) -> bytes:
    with socket.create_connection((host, port), timeout=timeout()) as raw:
        raw.settimeout(timeout())
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.getpeercert(binary_form=True)


def _verifies(host: str, port: int) -> bool:
    try:
        _handshake(host, port, ssl.create_default_context())
    except (ssl.SSLError, ssl.CertificateError, OSError):
        return False
    return True


def _name(name: x509.Name) -> str:
    return name.rfc4514_string()[:500]


def _aware(value: dt) -> dt:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def read_certificate(host: str, port: int) -> dict:
    """The certificate `host:port` presents, as the fields a Certificate stores; raises OSError/ValueError."""
    if refusal := refused_address(f"https://{host}:{port}/"):
        raise ValueError(refusal.replace("webhooks go", "certificate checks go"))
    reading = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    reading.check_hostname = False
    reading.verify_mode = ssl.CERT_NONE
    der = _handshake(host, port, reading)
    if not der:
        raise ValueError("The server presented no certificate.")
    parsed = x509.load_der_x509_certificate(der)
    try:
        sans = parsed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.DNSName)
    except x509.ExtensionNotFound:
        sans = []
    return {"issuer": _name(parsed.issuer), "subject": _name(parsed.subject), "sans": list(sans)[:100],
            "not_before": _aware(parsed.not_valid_before_utc), "not_after": _aware(parsed.not_valid_after_utc),
            "verified": _verifies(host, port)}


def check(certificate: Certificate) -> Certificate:
    """Refresh one certificate from its server; on failure keep the last good data and record why."""
    now = timezone.now()
    try:
        fields = read_certificate(certificate.host, certificate.port)
    except (OSError, ValueError, ssl.SSLError) as error:
        message = str(error) or type(error).__name__
        Certificate.objects.filter(pk=certificate.pk).update(last_checked_at=now, last_error=message[:500])
    else:
        Certificate.objects.filter(pk=certificate.pk).update(last_checked_at=now, last_error="", **fields)
    certificate.refresh_from_db()
    return certificate


def check_all() -> int:
    """Refresh every certificate, the longest unchecked first; the number checked."""
    checked = 0
    for certificate in Certificate.objects.order_by("last_checked_at", "pk").iterator():
        check(certificate)
        checked += 1
    return checked
