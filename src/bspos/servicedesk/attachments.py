"""Files on tickets and replies: the limits, storing them, serving them, and sending them with an email reply.

check(files) refuses files over the limits before anything is written; attach(...) stores them inside the caller's
transaction and links them to the ticket (and the reply or note they came with). Limits (docs/attachments.md): at most
`settings.ATTACHMENT_MAX_BYTES` each (BSPOS_ATTACHMENT_MAX_BYTES, 20 MB by default), MAX_FILES per submit, no
executables or scripts, by name (REFUSED_EXTENSIONS) or by their first bytes (EXECUTABLE_SIGNATURES).
"""

import hashlib
import mimetypes
import os
import unicodedata
import uuid
from collections.abc import Sequence

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

from bspos.audit.services import record
from bspos.servicedesk.models import Attachment, Note, Ticket

MAX_FILES = 10
# Programs and scripts a click could run (Windows, macOS, Linux, Office-free): refused by their name.
REFUSED_EXTENSIONS = frozenset({
    "exe", "com", "scr", "pif", "dll", "cpl", "sys", "msi", "msp", "msc", "bat", "cmd", "vbs", "vbe", "js", "jse",
    "wsf", "wsh", "ps1", "psm1", "psd1", "hta", "lnk", "reg", "inf", "gadget", "jar", "app", "dmg", "pkg", "apk",
    "deb", "rpm", "run", "bin", "elf", "sh", "bash", "zsh", "csh", "ksh", "command", "py", "pl", "rb", "php",
})
# And by content, whatever the name: the first bytes of executables (DOS/Windows PE, ELF, Mach-O, fat Mach-O or
# Java class) and of any script with an interpreter line. Six signatures are all a deny-list needs; a magic-number
# library would add a database of types we then ignore.
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                         b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def clean_name(name: str) -> str:
    """A file's name as shown and offered for download: no folders, no control characters, 200 characters."""
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[:200] or "file"


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _head(file) -> bytes:
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    return head or b""


def _refusal(file) -> str:
    name = clean_name(file.name)
    if file.size == 0:
        return f"{name} is empty."
    if file.size > max_bytes():
        return f"{name} is {filesizeformat(file.size)}, over the {filesizeformat(max_bytes())} limit per file."
    if _extension(name) in REFUSED_EXTENSIONS:
        return f"{name}: programs and scripts cannot be attached (.{_extension(name)} files are refused)."
    if _head(file).startswith(EXECUTABLE_SIGNATURES):
        return f"{name} is a program or script, whatever its name; such files cannot be attached."
    return ""


def check(files: Sequence) -> None:
    """Raise ValidationError({"attachments": ...}) when a file is too large or of a refused type."""
    if len(files) > MAX_FILES:
        raise ValidationError({"attachments": f"At most {MAX_FILES} files at once ({len(files)} were sent)."})
    refusals = [reason for reason in map(_refusal, files) if reason]
    if refusals:
        raise ValidationError({"attachments": refusals})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of files (the `attachments` input), none required, each checked against the limits."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Attach files")
        kwargs.setdefault("help_text", f"Up to {MAX_FILES} files, {filesizeformat(max_bytes())} each; "
                                       "no programs or scripts.")
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        files = [file for file in (single(item, initial) for item in items if item) if file]
        try:
            check(files)
        except ValidationError as error:
            raise ValidationError(error.message_dict["attachments"]) from None
        return files


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def content_type_of(name: str, given: str = "") -> str:
    return mimetypes.guess_type(name)[0] or given or "application/octet-stream"


@transaction.atomic
def attach(ticket: Ticket, files: Sequence, *, note: Note | None = None, by=None) -> list[Attachment]:
    """Store the files on the ticket (and note); returns the attachment rows."""
    check(files)
    if note is not None and note.ticket_id != ticket.pk:
        raise ValidationError({"attachments": "The note belongs to another ticket."})
    return [store(Attachment(ticket=ticket, note=note), file, by=by) for file in files]


def store(row, file, *, by=None):
    """Save a checked file's bytes and its row (a ticket's attachment, or any model with the same file fields:
    file, original_name, size, sha256, content_type, uploaded_by), audited; in the caller's transaction."""
    name = clean_name(file.name)
    row.original_name, row.size, row.sha256 = name, file.size, _sha256(file)
    row.content_type = content_type_of(name, getattr(file, "content_type", "") or "")[:100]
    row.uploaded_by = by if getattr(by, "is_authenticated", False) else None
    # Stored under a random name: what the user called it is kept in the row, never used as a path.
    row.file.save(uuid.uuid4().hex, file, save=False)
    row.save()
    record(by, row, None)
    return row


def add_to(email, note: Note) -> None:
    """Attach the note's files to an outgoing email (django.core.mail.EmailMessage)."""
    for item in note.files.all():
        with item.file.open("rb") as handle:
            email.attach(item.original_name, handle.read(), item.content_type or "application/octet-stream")


def download(item: Attachment) -> FileResponse:
    """The file as a download, never rendered by the browser (octet-stream, attachment, nosniff)."""
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@receiver(post_delete, sender=Attachment, dispatch_uid="servicedesk.attachment_file_removed")
def _remove_file(sender, instance: Attachment, **kwargs) -> None:
    """A deleted ticket, note or attachment takes its bytes with it, once the delete has committed."""
    remove_bytes(instance.file)


def remove_bytes(file) -> None:
    """Delete a stored file's bytes once the delete of its row has committed (a refused delete keeps them)."""
    name, storage = file.name, file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
