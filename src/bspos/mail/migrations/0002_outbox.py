"""Sent replies become the outbox: every outgoing email with its raw MIME, a state and retries."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def carry_over(apps, schema_editor):
    """Replies sent before keep their time; failed ones have no stored message to retry, so they are given up
    (the sent page still offers nothing to resend for them: reply again from the ticket)."""
    OutboundMessage = apps.get_model("mail", "OutboundMessage")
    OutboundMessage.objects.filter(state="sent").update(sent_at=models.F("created_at"), attempts=1)
    OutboundMessage.objects.filter(state="failed").update(state="gave_up", attempts=1)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("outboundmessage", "status", "state"),
        migrations.RenameField("outboundmessage", "sent_at", "created_at"),
        migrations.AlterModelOptions(name="outboundmessage", options={"ordering": ["-created_at", "-id"]}),
        migrations.AddField("outboundmessage", "sent_at", models.DateTimeField(blank=True, null=True)),
        migrations.AddField("outboundmessage", "attempts", models.PositiveSmallIntegerField(default=0)),
        migrations.AddField("outboundmessage", "next_attempt_at", models.DateTimeField(blank=True, null=True)),
        migrations.AddField("outboundmessage", "from_email", models.CharField(blank=True, max_length=254)),
        migrations.AddField("outboundmessage", "cc", models.TextField(blank=True)),
        migrations.AddField("outboundmessage", "bcc", models.TextField(
            blank=True, help_text="Not in the message's headers; delivered to all the same.")),
        migrations.AddField("outboundmessage", "body", models.TextField(blank=True)),
        migrations.AddField("outboundmessage", "headers", models.JSONField(blank=True, default=dict)),
        migrations.AddField("outboundmessage", "raw", models.BinaryField(
            blank=True, default=b"", help_text="The message exactly as it is (or would be) sent.")),
        migrations.AlterField("outboundmessage", "to", models.TextField(help_text="Recipients, comma-separated.")),
        migrations.AlterField("outboundmessage", "error", models.TextField(
            blank=True, help_text="The mail server's answer to the last attempt.")),
        migrations.AlterField("outboundmessage", "created_at", models.DateTimeField(
            default=django.utils.timezone.now)),
        migrations.AlterField("outboundmessage", "ticket", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="outbound_messages",
            to="servicedesk.ticket")),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.AlterField("outboundmessage", "state", models.CharField(
            choices=[("pending", "Waiting to be sent"), ("sent", "Sent"), ("failed", "Failed, will retry"),
                     ("gave_up", "Gave up"), ("held", "Not sent: no mail server configured")],
            default="pending", max_length=10)),
        migrations.AddIndex("outboundmessage", models.Index(
            condition=models.Q(("state__in", ["pending", "failed"])), fields=["next_attempt_at"],
            name="outbound_due")),
    ]
