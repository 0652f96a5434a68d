from django.db import migrations, models


class Migration(migrations.Migration):
    """Separate from 0002 so the constraint is added after the issued invoices were filled, in its own
    transaction (PostgreSQL refuses ALTER TABLE with pending trigger events)."""

    dependencies = [
        ('money', '0002_invoice_document'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), models.Q(models.Q(('currency', ''), _negated=True), models.Q(('bill_to_name', ''), _negated=True)), _connector='OR'), name='issued_invoices_carry_their_details'),
        ),
    ]
