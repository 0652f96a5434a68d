"""The two project templates bspos ships: a new client's onboarding and a server refresh (editable afterwards)."""

from django.db import migrations

from bspos.projects.shipped import ship_templates


def ship(apps, schema_editor):
    ship_templates(apps.get_model("projects", "ProjectTemplate"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
