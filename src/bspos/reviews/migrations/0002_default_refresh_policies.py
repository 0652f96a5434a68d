from decimal import Decimal

from django.db import migrations

# Planned life and replacement value per hardware type (editable in the back office; per client where it differs).
DEFAULTS = [
    ("workstation", 60, "1200.00"), ("laptop", 48, "1500.00"), ("server", 72, "9000.00"), ("network", 84, "1200.00"),
    ("firewall", 60, "2500.00"), ("printer", 72, "800.00"), ("mobile", 36, "900.00"),
]


def add_defaults(apps, schema_editor):
    RefreshPolicy = apps.get_model("reviews", "RefreshPolicy")
    for asset_type, months, value in DEFAULTS:
        RefreshPolicy.objects.get_or_create(asset_type=asset_type, client=None, defaults={
            "max_age_months": months, "replacement_value": Decimal(value)})


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
