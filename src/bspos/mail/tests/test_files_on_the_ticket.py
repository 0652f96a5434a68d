"""Files that arrive by email also show in the ticket's conversation (desk attachments), programs excepted."""

from bspos.mail.models import Attachment as MailAttachment
from bspos.mail.services import ingest
from bspos.mail.tests.conftest import mail
from bspos.servicedesk.models import Attachment


def test_a_new_tickets_files_and_a_replys_files_show_on_the_ticket(alice):
    opened, _ = ingest(mail(attachments=[("photo.png", "image/png", b"\x89PNG printer")]))
    ticket = opened.ticket
    assert ticket.files.get(note=None).original_name == "photo.png"
    reply, _ = ingest(mail(subject=f"Re: [#{ticket.number}] Printer jams", body="And the log.",
                           attachments=[("printer.log", "text/plain", b"jam at tray 2"),
                                        ("fix.exe", "application/octet-stream", b"MZ program")]))
    shown = Attachment.objects.get(note=reply.note)
    assert (shown.original_name, shown.file.read()) == ("printer.log", b"jam at tray 2")
    assert not reply.note.is_internal  # the client sent it: they see it in the portal too
    # The program is kept with the message (staff can still inspect it), never offered on the ticket.
    assert MailAttachment.objects.filter(message=reply, filename="fix.exe").exists()
    assert not Attachment.objects.filter(original_name="fix.exe").exists()
