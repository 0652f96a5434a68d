"""Mail in and out. `ingest_batch(raws)` (`ingest(raw)` for one) is the one code path behind `bspos ingest-mail` and
`bspos fetchmail`.

Rules (docs/mail.md): nothing that arrives is lost — every message is stored with its raw bytes first, whatever
happens next; the same message twice (same Message-ID, else same bytes) creates nothing twice; auto-replies and
bounces never open tickets; replies thread by the `[#1234]` token or In-Reply-To/References; unknown senders wait in
triage; a message that cannot be parsed is quarantined.
"""

import hashlib
import imaplib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from email.message import EmailMessage as MimeMessage
from email.parser import BytesParser
from email.utils import getaddresses, make_msgid, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Lower, StrIndex, Substr
from django.utils import timezone
from django.utils.html import strip_tags
from django_tasks import task

from bspos.clients.models import Client, Contact
from bspos.mail import conf
from bspos.mail.models import Attachment, InboundMessage, OutboundMessage, Outcome
from bspos.people.models import User
from bspos.servicedesk import attachments
from bspos.servicedesk import services as desk
from bspos.servicedesk.models import Note, Source, Status, Ticket
from bspos.servicedesk.services import shared_ticket_lookups

log = logging.getLogger(__name__)

TOKEN = re.compile(r"\[#(\d{1,18})\]")
MSGID = re.compile(r"<[^<>\s]+>")
FREEMAIL = {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
            "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "web.de", "mail.com"}
# Structural damage we refuse to guess around: the message goes to quarantine with its bytes.
FATAL_DEFECTS = {"StartBoundaryNotFoundDefect", "CloseBoundaryNotFoundDefect", "MultipartInvariantViolationDefect",
                 "NoBoundaryInMultipartDefect", "MissingHeaderBodySeparatorDefect"}
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTO_SENDERS = {"mailer-daemon", "mail-daemon", "postmaster-daemon"}


def max_bytes() -> int:
    return conf.max_bytes()


class Unparseable(Exception):
    """The message cannot be read safely; it is quarantined with this reason."""


def clean_text(value, limit: int | None = None) -> str:
    """Any header or body as storable text: undecodable bytes replaced, NULs removed, length capped."""
    text = "" if value is None else str(value)
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "")
    return text[:limit] if limit else text


def message_ids(value: str) -> list[str]:
    return MSGID.findall(clean_text(value))


@dataclass
class Parsed:
    message_id: str = ""
    sender: str = ""
    subject: str = ""
    body: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    auto_reason: str = ""
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)


def _header(message: MimeMessage, name: str) -> str:
    try:
        return clean_text(message.get(name, "") or "")
    except Exception:  # noqa: BLE001 (a header that cannot even be decoded is treated as absent)
        raw = message.get_all(name, failobj=[]) if hasattr(message, "get_all") else []
        return clean_text(raw[0] if raw else "")


def key_for(raw: bytes) -> tuple[str, str]:
    """(dedup key, Message-ID): the Message-ID when the message has a usable one, else a hash of the bytes."""
    message_id = ""
    try:
        head = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        found = message_ids(str(head.get("Message-ID", "") or ""))
        message_id = found[0] if found else ""
    except Exception:  # noqa: BLE001 (no usable header: the bytes themselves are the key)
        message_id = ""
    if message_id and len(message_id) <= 255:
        return message_id, message_id
    return "sha256:" + hashlib.sha256(raw).hexdigest(), message_id[:255]


def _text_of(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError, KeyError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


def auto_reason(message: MimeMessage, sender: str) -> str:
    """Why a message is automatic (RFC 3834 Auto-Submitted, Precedence bulk, delivery reports), else ''."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response"):
        if _header(message, name):
            return f"{name} header"
    if message.get_content_type() == "multipart/report":
        return "Delivery or read report (multipart/report)"
    if _header(message, "Return-Path").strip() == "<>":
        return "Null return path (bounce)"
    if sender.split("@")[0].lower() in AUTO_SENDERS:
        return f"Sent by {sender}"
    return ""


def parse(raw: bytes) -> Parsed:
    """Read what the rules need from an RFC 822 message; Unparseable when it cannot be read safely."""
    if len(raw) > max_bytes():
        raise Unparseable(f"The message is {len(raw):,} bytes, over the {max_bytes():,}-byte limit.")
    if not raw.strip():
        raise Unparseable("The message is empty.")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        defects = {type(d).__name__ for part in message.walk() for d in part.defects}
        fatal = defects & FATAL_DEFECTS
        if fatal:
            raise Unparseable("Broken MIME structure: " + ", ".join(sorted(fatal)))
        addresses = getaddresses([_header(message, "Reply-To") or _header(message, "From")])
        sender = next((addr for _name, addr in addresses if "@" in addr), "")
        if not sender:
            sender = parseaddr(_header(message, "From"))[1]
        if "@" not in sender:
            raise Unparseable("No sender address in From.")
        parsed = Parsed(sender=clean_text(sender.lower(), 254), subject=clean_text(_header(message, "Subject"), 250),
                        in_reply_to=" ".join(message_ids(_header(message, "In-Reply-To")))[:255],
                        references=message_ids(_header(message, "References")))
        ids = message_ids(_header(message, "Message-ID"))
        parsed.message_id = ids[0][:255] if ids else ""
        parsed.auto_reason = auto_reason(message, parsed.sender)
        body = message.get_body(preferencelist=("plain", "html"))
        if body is not None:
            text = _text_of(body)
            parsed.body = clean_text(strip_tags(text) if body.get_content_type() == "text/html" else text).strip()
        for part in message.iter_attachments():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            name = clean_text(part.get_filename() or "", 200) or f"attachment-{len(parsed.attachments) + 1}"
            parsed.attachments.append((name.replace("/", "_").replace("\\", "_"), part.get_content_type(), payload))
        return parsed
    except Unparseable:
        raise
    except Exception as error:  # noqa: BLE001 (whatever the parser trips on, the message is kept, not lost)
        raise Unparseable(f"{type(error).__name__}: {clean_text(error, 500)}") from error


def client_for(sender: str) -> tuple[Client | None, Contact | None]:
    """The sender's contact (by address), else the one client whose contacts or website use the sender's domain."""
    return clients_for([sender])[sender]


def clients_for(senders: Iterable[str]) -> dict[str, tuple[Client | None, Contact | None]]:
    """`client_for` of each sender (lower-case addresses), in at most four queries however many there are."""
    senders = set(senders)
    found: dict[str, tuple[Client | None, Contact | None]] = {}
    contacts: dict[str, list[Contact]] = {}
    if senders:
        for contact in (Contact.objects.annotate(address=Lower("email"))
                        .filter(address__in={s.lower() for s in senders}, is_active=True).select_related("client")):
            contacts.setdefault(contact.address, []).append(contact)
    domains: dict[str, set[str]] = {}
    for sender in senders:
        theirs = contacts.get(sender.lower(), [])
        if len({c.client_id for c in theirs}) == 1:
            found[sender] = theirs[0].client, theirs[0]
            continue
        found[sender] = None, None
        domain = sender.rpartition("@")[2].lower()
        if domain and domain not in FREEMAIL:
            domains.setdefault(domain, set()).add(sender)
    if not domains:
        return found
    at_domain = Lower(Substr("email", StrIndex("email", Value("@")) + 1))
    client_ids: dict[str, set[int]] = {domain: set() for domain in domains}
    for domain, client_id in (Contact.objects.annotate(domain=at_domain).filter(domain__in=list(domains))
                              .values_list("domain", "client_id").distinct()):
        client_ids[domain].add(client_id)
    websites = {domain: re.compile(rf"^https?://(www\.)?{re.escape(domain)}(/|:|$)", re.IGNORECASE)
                for domain in domains}
    for pk, website in Client.objects.exclude(website="").values_list("pk", "website"):
        for domain, pattern in websites.items():
            if pattern.match(website):
                client_ids[domain].add(pk)
    single = {domain: ids.pop() for domain, ids in client_ids.items() if len(ids) == 1}
    by_pk = Client.objects.in_bulk(set(single.values()))
    for domain, client_id in single.items():
        for sender in domains[domain]:
            found[sender] = by_pk[client_id], None
    return found


def thread_of(parsed: Parsed) -> Ticket | None:
    """The ticket a reply belongs to: `[#number]` in the subject, else a known In-Reply-To/References id."""
    match = TOKEN.search(parsed.subject)
    if match:
        ticket = Ticket.objects.filter(number=int(match.group(1))).first()
        if ticket is not None:
            return ticket
    ids = [*parsed.in_reply_to.split(), *parsed.references]
    if not ids:
        return None
    sent = OutboundMessage.objects.filter(message_id__in=ids).select_related("ticket").first()
    if sent is not None:
        return sent.ticket
    earlier = (InboundMessage.objects.filter(message_id__in=ids, ticket__isnull=False).select_related("ticket")
               .defer("raw").first())
    return earlier.ticket if earlier else None


def _save_attachments(message: InboundMessage, parsed: Parsed) -> None:
    for name, content_type, payload in parsed.attachments:
        attachment = Attachment(message=message, ticket=message.ticket, filename=name,
                                content_type=clean_text(content_type, 100), size=len(payload))
        attachment.file.save(name, ContentFile(payload), save=False)
        attachment.save()
    if message.ticket is not None:
        _show_on_ticket(message, parsed)


def _show_on_ticket(message: InboundMessage, parsed: Parsed) -> None:
    """The files also show in the ticket's conversation (on the reply the email became, or on the new ticket), as
    desk attachments; files the desk refuses (programs, over its size limit) stay with the message only."""
    files = [ContentFile(payload, name=name) for name, _type, payload in parsed.attachments]
    accepted = []
    for file in files:
        try:
            attachments.check([file])
        except ValidationError:
            continue
        accepted.append(file)
    attachments.attach(message.ticket, accepted[:attachments.MAX_FILES], note=message.note)


def _ticket_text(parsed: Parsed) -> str:
    return parsed.body or "(The email had no text.)"


def _open_ticket(message: InboundMessage, parsed: Parsed, client: Client, contact: Contact | None,
                 by: User | None = None, follow_up: Ticket | None = None) -> Ticket:
    description = _ticket_text(parsed)
    if follow_up is not None:
        description = f"Follow-up to closed ticket #{follow_up.number}.\n\n{description}"
    return desk.create_ticket(client=client, contact=contact, subject=parsed.subject or "(no subject)",
                              description=description, source=Source.EMAIL, created_by=by)


def _reply(ticket: Ticket, parsed: Parsed, contact: Contact | None) -> Note:
    author = contact.user if contact is not None and contact.user_id else None
    note = desk.add_note(ticket, author=author, body=f"Email from {parsed.sender}:\n\n{_ticket_text(parsed)}")
    if ticket.status in (Status.WAITING_ON_CLIENT, Status.RESOLVED):
        desk.change_status(ticket, Status.OPEN)
    return note


def _apply_rules(message: InboundMessage, parsed: Parsed, senders: dict) -> None:
    if parsed.auto_reason:
        message.outcome, message.reason = Outcome.AUTO, parsed.auto_reason
        return
    ticket = thread_of(parsed)
    client, contact = senders[parsed.sender] if parsed.sender in senders else client_for(parsed.sender)
    if ticket is not None and ticket.status != Status.CLOSED:
        if client is None or client.pk != ticket.client_id:
            message.outcome = Outcome.TRIAGE
            message.reason = f"Reply to #{ticket.number} from {parsed.sender}, who is not known at {ticket.client}."
            return
        message.ticket, message.note = ticket, _reply(ticket, parsed, contact)
        message.outcome = Outcome.REPLY
        return
    if client is None:
        message.outcome, message.reason = Outcome.TRIAGE, f"No client uses the address or domain of {parsed.sender}."
        return
    message.ticket = _open_ticket(message, parsed, client, contact, follow_up=ticket)
    message.outcome = Outcome.TICKET


def _rough_headers(raw: bytes) -> tuple[str, str]:
    """Best-effort sender and subject of a message we could not parse, so a person can recognise it."""
    try:
        head = BytesParser(policy=policy.compat32).parsebytes(raw[:65536], headersonly=True)
        return clean_text(parseaddr(str(head.get("From", "") or ""))[1], 254), clean_text(head.get("Subject", ""), 250)
    except Exception:  # noqa: BLE001
        return "", ""


def _quarantine(raw: bytes, key: str, message_id: str, reason: str) -> InboundMessage:
    sender, subject = _rough_headers(raw)
    message = InboundMessage(key=key, message_id=message_id, outcome=Outcome.QUARANTINED, reason=reason,
                             size=len(raw), sender=sender, subject=subject, raw=raw)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return InboundMessage.objects.defer("raw").get(key=key)
    return message


def ingest(raw: bytes) -> tuple[InboundMessage, bool]:
    """Take one RFC 822 message; returns (the stored message, whether it is new). Never raises on bad mail."""
    return ingest_batch([raw])[0]


def ingest_batch(raws: Sequence[bytes]) -> list[tuple[InboundMessage, bool]]:
    """`ingest` for each message, in order, each stored and applied in its own transaction (a message that fails
    never takes another with it); the work messages can share is done once for the batch: one query for the keys
    already stored, the senders' contacts and clients looked up together (`clients_for`), and the agreements, SLA
    plans and webhook subscriptions the new tickets need read once."""
    from bspos.intake.webhooks import cached_subscribers

    keys = [key_for(raw) for raw in raws]
    stored = set(InboundMessage.objects.filter(key__in={key for key, _ in keys}).values_list("key", flat=True))
    parsed: dict[int, Parsed | Unparseable] = {}
    for index, (raw, (key, _message_id)) in enumerate(zip(raws, keys, strict=True)):
        if key not in stored:
            try:
                parsed[index] = parse(raw)
            except Unparseable as error:
                parsed[index] = error
    senders = clients_for({p.sender for p in parsed.values() if isinstance(p, Parsed) and not p.auto_reason})
    results = []
    with shared_ticket_lookups(), cached_subscribers():
        for index, (raw, (key, message_id)) in enumerate(zip(raws, keys, strict=True)):
            if key in stored:  # stored before, or earlier in this batch
                results.append((InboundMessage.objects.filter(key=key).defer("raw").get(), False))
                continue
            stored.add(key)
            results.append(_store(raw, key, message_id, parsed[index], senders))
    return results


def _store(raw: bytes, key: str, message_id: str, parsed: Parsed | Unparseable,
           senders: dict) -> tuple[InboundMessage, bool]:
    if isinstance(parsed, Unparseable):
        return _quarantine(raw, key, message_id, str(parsed)), True
    try:
        with transaction.atomic():
            message = InboundMessage(key=key, message_id=parsed.message_id, sender=parsed.sender,
                                     subject=parsed.subject, body=parsed.body, in_reply_to=parsed.in_reply_to,
                                     references=" ".join(parsed.references), size=len(raw), raw=raw)
            message.save()  # first: a concurrent copy of the same message stops here on the unique key
            _apply_rules(message, parsed, senders)
            message.save()
            _save_attachments(message, parsed)
        return message, True
    except IntegrityError:
        existing = InboundMessage.objects.filter(key=key).defer("raw").first()
        if existing is not None:
            return existing, False
        return _quarantine(raw, key, message_id, "The database refused the message."), True
    except (ValidationError, ValueError) as error:
        log.exception("mail %s could not be applied", key)
        return _quarantine(raw, key, message_id, f"Could not be applied: {clean_text(error, 500)}"), True


@transaction.atomic
def assign_from_triage(message: InboundMessage, *, client: Client, by: User | None) -> Ticket:
    """Open the ticket a triaged message asked for, at the client a person chose."""
    message = InboundMessage.objects.select_for_update().defer("raw").get(pk=message.pk)
    if message.outcome != Outcome.TRIAGE:
        raise ValidationError("Only messages waiting in triage can be assigned.")
    contact = Contact.objects.filter(client=client, email__iexact=message.sender).first()
    parsed = Parsed(sender=message.sender, subject=message.subject, body=message.body)
    ticket = _open_ticket(message, parsed, client, contact, by=by)
    message.ticket, message.outcome = ticket, Outcome.TICKET
    message.reason = f"Assigned from triage to {client} by {by or 'the system'}."
    message.save(update_fields=["ticket", "outcome", "reason"])
    message.attachments.update(ticket=ticket)
    return ticket


@transaction.atomic
def discard(message: InboundMessage, *, by: User | None) -> InboundMessage:
    """Take a message out of triage without a ticket (kept, with who discarded it)."""
    if message.outcome != Outcome.TRIAGE:
        raise ValidationError("Only messages waiting in triage can be discarded.")
    message.outcome = Outcome.DISCARDED
    message.reason = f"Discarded from triage by {by or 'the system'}."
    message.save(update_fields=["outcome", "reason"])
    return message


# --- IMAP ------------------------------------------------------------------------------------------------------


FETCH_BATCH = 50  # messages fetched, then ingested together (ingest_batch), before they are flagged seen


@dataclass
class FetchResult:
    fetched: int = 0
    new: int = 0
    by_outcome: dict = field(default_factory=dict)


def sign_in(imap, imap_conf) -> None:
    """Password login, or XOAUTH2 with the cached bearer token when OAuth2 is configured (mail/oauth.py); a token
    the server refuses is renewed once and tried again. A refusal is kept for the mailbox page and raised."""
    from bspos.mail import oauth

    row = oauth.current()
    if row is None:
        imap.login(imap_conf.user, imap_conf.password)
        return
    token = oauth.access_token()
    try:
        imap.authenticate("XOAUTH2", lambda _challenge: oauth.xoauth2(imap_conf.user, token))
        return
    except imaplib.IMAP4.error:
        token = oauth.access_token(force=True)
    try:
        imap.authenticate("XOAUTH2", lambda _challenge: oauth.xoauth2(imap_conf.user, token))
    except imaplib.IMAP4.error as error:
        message = f"The IMAP server refused the OAuth2 token: {error}"
        oauth.record_error(row, message)
        raise ValueError(message) from error


def check_connection() -> str:
    """Sign in and open the mailbox, fetching nothing; returns what was seen (raises what went wrong)."""
    imap_conf = conf.imap_settings()
    imap = imaplib.IMAP4_SSL(imap_conf.host, imap_conf.port) if imap_conf.tls else imaplib.IMAP4(imap_conf.host,
                                                                                                  imap_conf.port)
    if not imap_conf.tls and conf.starttls():
        imap.starttls()
    with imap:
        sign_in(imap, imap_conf)
        status, data = imap.select(imap_conf.mailbox, readonly=True)
        if status != "OK":
            raise ValueError(f"Mailbox {imap_conf.mailbox!r} cannot be opened.")
        imap.logout()
    count = data[0].decode() if data and data[0] else "0"
    return f"Signed in as {imap_conf.user}; {imap_conf.mailbox} holds {count} messages."


def fetchmail(*, everything: bool = False, progress=None) -> FetchResult:
    """Ingest the mailbox's unseen messages (all with `everything`), flagging each seen only once it is stored."""
    imap_conf = conf.imap_settings()
    if imap_conf.tls:
        imap = imaplib.IMAP4_SSL(imap_conf.host, imap_conf.port)
    else:
        imap = imaplib.IMAP4(imap_conf.host, imap_conf.port)
        if conf.starttls():
            imap.starttls()
    result = FetchResult()
    with imap:
        sign_in(imap, imap_conf)
        status, _ = imap.select(imap_conf.mailbox)
        if status != "OK":
            raise ValueError(f"Mailbox {imap_conf.mailbox!r} cannot be opened.")
        _, data = imap.uid("SEARCH", None, "ALL" if everything else "UNSEEN")
        uids = data[0].split() if data and data[0] else []
        for start in range(0, len(uids), FETCH_BATCH):
            fetched = []
            for uid in uids[start:start + FETCH_BATCH]:
                _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
                if raw is not None:
                    fetched.append((uid, raw))
            for (uid, _raw), (message, created) in zip(fetched, ingest_batch([raw for _uid, raw in fetched]),
                                                       strict=True):
                imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")  # only once the message is stored
                result.fetched += 1
                result.new += int(created)
                if created:
                    result.by_outcome[message.outcome] = result.by_outcome.get(message.outcome, 0) + 1
                if progress is not None:
                    progress(result.fetched, len(uids))
        imap.logout()
    return result


# --- Email out: the outbox ------------------------------------------------------------------------------------

OUTBOX_BACKEND = "bspos.mail.backends.OutboxBackend"
# Waits after the 1st … 5th failed attempt; when the 6th attempt (the fifth retry) fails too, the outbox gives up.
RETRY_MINUTES = (1, 5, 15, 60, 240)
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1
# A message claimed by a worker that then vanished is due again after this (the SMTP timeout is 30 s).
LEASE = timedelta(minutes=2)
DUE_STATES = (OutboundMessage.State.PENDING, OutboundMessage.State.FAILED)


def sending_enabled() -> bool:
    """Whether email leaves bspos: SMTP is configured, or a deployment (or the test run) set another backend."""
    return bool(conf.smtp_host()) or settings.EMAIL_BACKEND != OUTBOX_BACKEND


def _extra_header(headers: dict, name: str) -> str:
    return next((str(value) for key, value in headers.items() if key.lower() == name.lower()), "")


def put_in_outbox(email: EmailMessage, *, ticket: Ticket | None = None, note: Note | None = None) -> OutboundMessage:
    """Store one outgoing email as it will be sent (the outbox backend calls this for every `.send()`), in the
    caller's transaction. With a mail server it is queued for the worker at once; without one it is kept, held."""
    if not _extra_header(email.extra_headers, "Message-ID"):
        domain = (email.from_email or conf.from_address()).rpartition("@")[2].strip(">") or "localhost"
        email.extra_headers["Message-ID"] = make_msgid(idstring="bspos", domain=domain)
    pending = bool(conf.smtp_host())
    outbound = OutboundMessage.objects.create(
        ticket=ticket, note=note, message_id=_extra_header(email.extra_headers, "Message-ID")[:255],
        from_email=clean_text(email.from_email, 254), to=", ".join(email.to), cc=", ".join(email.cc),
        bcc=", ".join(email.bcc), subject=clean_text(email.subject, 300), body=clean_text(email.body),
        headers={key: str(value) for key, value in email.extra_headers.items()},
        raw=email.message().as_bytes(linesep="\r\n"),
        state=OutboundMessage.State.PENDING if pending else OutboundMessage.State.HELD,
        next_attempt_at=timezone.now() if pending else None)
    if pending:  # the database task backend inserts in this same transaction: rolled back, nothing is queued
        send_message.enqueue(outbound.pk)
    return outbound


def _smtp_send(outbound: OutboundMessage) -> str:
    """Hand the stored bytes to the SMTP server; returns the recipients it refused while accepting others."""
    smtp = get_connection("django.core.mail.backends.smtp.EmailBackend", fail_silently=False,
                          **conf.smtp_connection_kwargs())
    with smtp:
        refused = smtp.connection.sendmail(outbound.from_email or conf.from_address(), outbound.recipients(),
                                           bytes(outbound.raw))
    return "; ".join(f"{address}: {code} {clean_text(text)}" for address, (code, text) in refused.items())


def deliver_outbound(pk: int) -> str | None:
    """One attempt at an outbox message: claim it (a conditional update, so two workers never both send it), send
    it, record the outcome and when to try again. Returns the new state, or None when it was not due."""
    if not conf.smtp_host():
        return None
    now = timezone.now()
    claimed = (OutboundMessage.objects.filter(pk=pk, state__in=DUE_STATES, next_attempt_at__lte=now)
               .update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE))
    if not claimed:
        return None
    outbound = OutboundMessage.objects.get(pk=pk)
    try:
        outbound.error = _smtp_send(outbound)
    except Exception as error:  # noqa: BLE001 (whatever the server or network does, the message stays in the outbox)
        outbound.error = clean_text(f"{type(error).__name__}: {error}", 1000)
        if outbound.attempts >= MAX_ATTEMPTS:
            outbound.state, outbound.next_attempt_at = OutboundMessage.State.GAVE_UP, None
        else:
            outbound.state = OutboundMessage.State.FAILED
            outbound.next_attempt_at = timezone.now() + timedelta(minutes=RETRY_MINUTES[outbound.attempts - 1])
        log.warning("mail %s not sent (attempt %s): %s", outbound.message_id, outbound.attempts, error)
    else:
        outbound.state, outbound.sent_at, outbound.next_attempt_at = OutboundMessage.State.SENT, timezone.now(), None
    outbound.save(update_fields=["state", "error", "sent_at", "next_attempt_at"])
    return outbound.state


@task()
def send_message(pk: int) -> str | None:
    return deliver_outbound(pk)


def send_due(*, limit: int = 500) -> int:
    """Attempt every outbox message whose (next) attempt is due; returns how many were sent. The mail job runs this
    every minute, so a retry's wait or a worker that crashed mid-send costs at most a minute more."""
    if not conf.smtp_host():
        return 0
    due = (OutboundMessage.objects.filter(state__in=DUE_STATES, next_attempt_at__lte=timezone.now())
           .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(deliver_outbound(pk) == OutboundMessage.State.SENT for pk in list(due))


def resend(outbound: OutboundMessage) -> OutboundMessage:
    """Send a failed, given-up or held message again now, the same bytes and Message-ID; a sent one never twice."""
    if not conf.smtp_host():
        raise ValidationError("No mail server is configured (BSPOS_SMTP_HOST), so the message stays in the outbox.")
    if not outbound.raw:
        raise ValidationError("This reply was recorded before the outbox kept messages; reply again on the ticket.")
    retry = {"state": OutboundMessage.State.PENDING, "next_attempt_at": timezone.now(), "error": ""}
    if outbound.attempts >= MAX_ATTEMPTS:
        retry["attempts"] = MAX_ATTEMPTS - 1  # one more try; failing again gives up again
    again = (OutboundMessage.objects.filter(pk=outbound.pk, state__in=[
        OutboundMessage.State.FAILED, OutboundMessage.State.GAVE_UP, OutboundMessage.State.HELD]).update(**retry))
    if not again:
        raise ValidationError("This message has been sent, or is being sent, already.")
    deliver_outbound(outbound.pk)
    return OutboundMessage.objects.get(pk=outbound.pk)


def thread_headers(ticket: Ticket) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for the next message on the ticket: every id of its email conversation."""
    inbound = list(ticket.inbound_messages.exclude(message_id="").order_by("received_at", "id")
                   .values_list("message_id", "received_at"))
    outbound = list(ticket.outbound_messages.exclude(state__in=[OutboundMessage.State.HELD,
                                                                OutboundMessage.State.GAVE_UP])
                    .order_by("created_at", "id").values_list("message_id", "created_at"))
    conversation = [mid for mid, _at in sorted(inbound + outbound, key=lambda pair: pair[1])]
    return (conversation[-1] if conversation else ""), conversation[-20:]


def send_reply(note: Note, *, connection=None) -> OutboundMessage | None:
    """Email a public reply to the ticket's contact, threaded; it goes through the outbox (sent, retried and shown
    at /mail/sent/ there). Returns the outbox row (None when there is nobody to email)."""
    ticket = note.ticket
    contact = ticket.contact
    if note.is_internal or contact is None or not contact.email:
        return None
    subject = f"Re: [#{ticket.number}] {ticket.subject}"
    domain = conf.from_address().rpartition("@")[2] or "localhost"
    message_id = make_msgid(idstring=f"bspos.{ticket.number}", domain=domain)
    in_reply_to, references = thread_headers(ticket)
    headers = {"Message-ID": message_id}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = " ".join(references)
    email = EmailMessage(subject=subject, body=note.body, from_email=conf.from_address(), to=[contact.email],
                         cc=ticket.cc, headers=headers,
                         connection=connection or get_connection(ticket=ticket, note=note))
    attachments.add_to(email, note)
    email.send(fail_silently=False)
    return OutboundMessage.objects.filter(message_id=message_id).first()


def on_note_added(sender, note: Note, **kwargs) -> None:
    """Signal receiver: a public reply by MSP staff goes into the outbox in the note's own transaction, so a
    rolled-back reply sends nothing and a committed one is never lost."""
    if note.is_internal or note.author is None or not note.author.is_msp_staff or note.ticket.contact_id is None:
        return
    send_reply(note)
