"""A malformed MIME corpus: every message is quarantined or ingested, never a crash, never lost."""

import pytest
from django.urls import reverse

from bspos.mail.models import InboundMessage, Outcome
from bspos.mail.services import ingest
from bspos.servicedesk.models import Ticket

HEAD = b"From: Alice <alice@acme-dental.test>\r\nTo: support@msp.test\r\n"

TRUNCATED_MULTIPART = HEAD + (
    b"Subject: Truncated\r\nMessage-ID: <trunc@a>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="BOUNDARY"\r\n\r\n'
    b"--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nThe first part\r\n"
    b"--BOUNDARY\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK")
MISSING_BOUNDARY = HEAD + (
    b"Subject: No boundary\r\nMessage-ID: <nob@a>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed\r\n\r\nbody without any boundary\r\n")
BAD_CHARSET = HEAD + (
    b"Subject: Bad charset\r\nMessage-ID: <charset@a>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    b"Caf\xe9 au lait \xff\xfe\r\n")
EIGHT_BIT_HEADERS = (
    b"From: J\xf6rg M\xfcller <joerg@acme-dental.test>\r\nSubject: Dr\xfccker kaputt \xe2\x80\x94 bitte\r\n"
    b"Message-ID: <8bit@a>\r\n\r\nDer Drucker druckt nicht.\r\n")
ENCODED_WORD_GARBAGE = HEAD + b"Subject: =?utf-8?B?invalid base64?=\r\nMessage-ID: <ew@a>\r\n\r\nHello\r\n"
NO_SENDER = b"Subject: Nobody\r\nMessage-ID: <nosender@a>\r\n\r\nWho sent this?\r\n"
NUL_BYTES = HEAD + b"Subject: Nul\x00 byte\r\nMessage-ID: <nul@a>\r\n\r\nText with \x00 inside\r\n"
NOT_MAIL = b"\x00\x01\x02\xff\xfe binary junk that is not a message at all"
EMPTY = b""


def huge(size: int) -> bytes:
    return HEAD + (b"Subject: Huge attachment\r\nMessage-ID: <huge@a>\r\nMIME-Version: 1.0\r\n"
                   b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nSee '
                   b"attached\r\n--B\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                   b'Content-Disposition: attachment; filename="dump.bin"\r\n\r\n'
                   + b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n"
                   * (size // 78) + b"--B--\r\n")


@pytest.mark.parametrize(("raw", "outcome"), [
    (TRUNCATED_MULTIPART, Outcome.QUARANTINED),
    (MISSING_BOUNDARY, Outcome.QUARANTINED),
    (NO_SENDER, Outcome.QUARANTINED),
    (NOT_MAIL, Outcome.QUARANTINED),
    (EMPTY, Outcome.QUARANTINED),
    (BAD_CHARSET, Outcome.TICKET),
    (EIGHT_BIT_HEADERS, Outcome.TICKET),
    (ENCODED_WORD_GARBAGE, Outcome.TICKET),
    (NUL_BYTES, Outcome.TICKET),
], ids=["truncated-multipart", "missing-boundary", "no-sender", "not-mail", "empty", "bad-charset", "8bit-headers",
        "bad-encoded-word", "nul-bytes"])
def test_malformed_mail_is_quarantined_or_ingested_and_its_bytes_are_kept(alice, raw, outcome):
    message, created = ingest(raw)
    assert created and message.outcome == outcome, message.reason
    message.refresh_from_db()
    assert bytes(message.raw) == raw
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.count() == (1 if outcome == Outcome.TICKET else 0)
    if outcome == Outcome.QUARANTINED:
        assert message.reason
    again, created_again = ingest(raw)
    assert not created_again and again.pk == message.pk


def test_text_with_bad_charset_or_8bit_headers_is_readable(alice):
    ticket = ingest(BAD_CHARSET)[0].ticket
    assert ticket.description.startswith("Caf")
    eight_bit = ingest(EIGHT_BIT_HEADERS)[0].ticket
    assert "kaputt" in eight_bit.subject and eight_bit.client == alice.client


def test_a_huge_attachment_is_quarantined_over_the_limit_and_kept_under_it(alice, monkeypatch):
    raw = huge(3 * 1024 * 1024)
    monkeypatch.setenv("BSPOS_MAIL_MAX_BYTES", str(1024 * 1024))
    message, _ = ingest(raw)
    assert message.outcome == Outcome.QUARANTINED and "limit" in message.reason
    assert message.size == len(raw)
    message.delete()
    monkeypatch.setenv("BSPOS_MAIL_MAX_BYTES", str(10 * 1024 * 1024))
    message, _ = ingest(raw)
    assert message.outcome == Outcome.TICKET
    assert message.attachments.get().size > 2 * 1024 * 1024


def test_quarantined_mail_is_listed_and_its_raw_bytes_download(client, alice, tech):
    message, _ = ingest(TRUNCATED_MULTIPART)
    client.force_login(tech)
    listing = client.get(reverse("mail:list") + "?outcome=quarantined")
    assert "Truncated" in listing.content.decode() or "trunc@a" in listing.content.decode()
    response = client.get(reverse("mail:raw", args=[message.pk]))
    assert response.status_code == 200 and response.content == TRUNCATED_MULTIPART
