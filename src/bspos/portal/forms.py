from django import forms

from bspos.servicedesk.attachments import AttachmentsField


class PortalTicketForm(forms.Form):
    subject = forms.CharField(max_length=250)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=20000,
                                  help_text="What happened, since when, and who is affected.")
    urgent = forms.BooleanField(required=False, label="It stops us working")
    attachments = AttachmentsField(label="Screenshots or files")


class PortalReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20000, label="Reply")
    attachments = AttachmentsField()
