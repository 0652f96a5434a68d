"""Files on tickets and replies: the limits, storing them, serving them, and sending them with an email reply.

check(files) refuses files over the limits before anything is written; attach(...) stores them inside the caller's
transaction and links them to the ticket (and the reply or note they came with). Limits (docs/attachments.md): at most
`settings.ATTACHMENT_MAX_BYTES` each (BSPOS_ATTACHMENT_MAX_BYTES, 20 MB by default), MAX_FILES per submit, no
executables or scripts, by name or by their first bytes (the checks shared by every upload: core/uploads.py).
"""

import uuid
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

from bspos.audit.services import record
from bspos.core import uploads
from bspos.core.uploads import clean_name, content_type_of, max_bytes, refusal, sha256
from bspos.servicedesk.models import Attachment, Note, Ticket

MAX_FILES = 10


def check(files: Sequence) -> None:
    """Raise ValidationError({"attachments": ...}) when a file is too large or of a refused type."""
    if len(files) > MAX_FILES:
        raise ValidationError({"attachments": f"At most {MAX_FILES} files at once ({len(files)} were sent)."})
    refusals = [reason for reason in map(refusal, files) if reason]
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
    row.original_name, row.size, row.sha256 = name, file.size, sha256(file)
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
    return uploads.download(item.file, item.original_name)


@receiver(post_delete, sender=Attachment, dispatch_uid="servicedesk.attachment_file_removed")
def _remove_file(sender, instance: Attachment, **kwargs) -> None:
    """A deleted ticket, note or attachment takes its bytes with it, once the delete has committed."""
    remove_bytes(instance.file)


def remove_bytes(file) -> None:
    """Delete a stored file's bytes once the delete of its row has committed (a refused delete keeps them)."""
    name, storage = file.name, file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
