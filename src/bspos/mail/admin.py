from django.contrib import admin

from bspos.mail.models import Attachment, InboundMessage, OutboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "outcome", "ticket"]
    list_filter = ["outcome"]
    search_fields = ["sender", "subject", "message_id"]
    raw_id_fields = ["ticket", "note"]
    readonly_fields = ["key", "message_id", "size", "in_reply_to", "references"]
    exclude = ["raw"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["filename", "content_type", "size", "ticket"]
    raw_id_fields = ["message", "ticket"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "to", "subject", "status"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "message_id"]
    raw_id_fields = ["ticket", "note"]
