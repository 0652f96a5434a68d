"""Mail in the back office, read only: every message is kept as it arrived (triage is on the mail pages), and a
failed reply is sent again through the service."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from bspos.core.admin import ReadOnlyAdmin
from bspos.mail import services
from bspos.mail.models import Attachment, InboundMessage, OutboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "sender", "subject", "outcome", "ticket"]
    list_filter = ["outcome"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["ticket"]
    exclude = ["raw"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["filename", "content_type", "size", "ticket"]
    list_select_related = ["ticket"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state"]
    search_fields = ["to", "subject", "message_id"]
    actions = ["send_again"]
    exclude = ["raw"]

    @admin.action(description="Send the selected unsent messages again")
    def send_again(self, request, queryset) -> None:
        for outbound in queryset:
            try:
                attempt = services.resend(outbound)
            except ValidationError as error:
                self.message_user(request, f"{outbound}: {' '.join(error.messages)}", messages.WARNING)
            else:
                level = messages.SUCCESS if attempt.state == OutboundMessage.State.SENT else messages.ERROR
                self.message_user(request, f"{outbound}: {attempt.get_state_display()} {attempt.error}", level)
