"""The certificate check against a real TLS server on 127.0.0.1 with a self-signed certificate made here."""

import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bspos.documentation import certificates
from bspos.documentation.tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db
NOT_AFTER = datetime(2027, 1, 31, 12, 0, tzinfo=UTC)


def self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "intranet.acme.test")])
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(datetime(2026, 1, 1, tzinfo=UTC)).not_valid_after(NOT_AFTER)
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("intranet.acme.test"),
                                                               x509.DNSName("mail.acme.test")]), critical=False)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture
def tls_server(tmp_path):
    cert_file, key_file = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                with context.wrap_socket(connection, server_side=True) as tls:
                    tls.recv(1)
            except (ssl.SSLError, OSError):
                pass  # the verifying handshake is refused by the client: expected
            finally:
                connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(2)
    listener.close()


def test_the_job_reads_a_self_signed_certificate_and_records_it_did_not_verify(company, tls_server, monkeypatch):
    monkeypatch.setenv("BSPOS_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1/32")
    certificate = CertificateFactory(client=company, host="127.0.0.1", port=tls_server)
    assert certificates.check_all() == 1
    certificate.refresh_from_db()
    assert certificate.last_error == ""
    assert certificate.subject == "CN=intranet.acme.test" and certificate.issuer == "CN=intranet.acme.test"
    assert certificate.sans == ["intranet.acme.test", "mail.acme.test"]
    assert certificate.not_after == NOT_AFTER
    assert certificate.verified is False
    assert certificate.last_checked_at is not None


def test_loopback_is_refused_unless_allowed_and_the_last_good_data_is_kept(company, tls_server, monkeypatch):
    monkeypatch.delenv("BSPOS_WEBHOOK_ALLOWED_NETWORKS", raising=False)
    certificate = CertificateFactory(client=company, host="127.0.0.1", port=tls_server)
    certificate.__class__.objects.filter(pk=certificate.pk).update(subject="CN=old", not_after=NOT_AFTER)
    checked = certificates.check(certificate)
    assert "private address" in checked.last_error
    assert checked.subject == "CN=old" and checked.not_after == NOT_AFTER


def test_a_closed_port_records_the_error_within_the_timeout(company, monkeypatch):
    monkeypatch.setenv("BSPOS_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("BSPOS_CERTIFICATE_TIMEOUT", "1")
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    started = datetime.now(UTC)
    checked = certificates.check(CertificateFactory(client=company, host="127.0.0.1", port=port))
    assert checked.last_error and checked.not_after is None
    assert datetime.now(UTC) - started < timedelta(seconds=5)


def test_check_now_button_refreshes_the_certificate(client, tech, company, tls_server, monkeypatch):
    monkeypatch.setenv("BSPOS_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1/32")
    certificate = CertificateFactory(client=company, host="127.0.0.1", port=tls_server)
    client.force_login(tech)
    response = client.post(f"/documentation/certificates/{certificate.pk}/check/", follow=True)
    assert response.status_code == 200 and "CN=intranet.acme.test" in response.content.decode()
