"""Files on tickets and replies (interface only; the attachments work fills it in).

check(files) refuses files over the limits before anything is written; attach(...) stores them inside the caller's
transaction and links them to the ticket (and the reply or note they came with).
"""

from collections.abc import Sequence


def check(files: Sequence) -> None:
    """Raise ValidationError({"attachments": ...}) when a file is too large or of a refused type."""


def attach(ticket, files: Sequence, *, note=None, by=None) -> list:
    """Store the files on the ticket (and note); returns the attachment rows."""
    return []
