import json
from pathlib import Path

from django.db import migrations

FRAMEWORKS = Path(__file__).resolve().parent.parent / "frameworks"


def load(apps, schema_editor):
    """The built-in frameworks (7C, NIST CSF 2.0) as they shipped with this migration."""
    Template = apps.get_model("vcio", "AssessmentTemplate")
    for path in sorted(FRAMEWORKS.glob("*.json")):
        data = json.loads(path.read_text())
        Template.objects.get_or_create(key=data["key"], version=data["version"], defaults={
            "name": data["name"], "kind": data.get("kind", "maturity"), "description": data.get("description", ""),
            "data": {"scale": data["scale"], "areas": data["areas"]}})


class Migration(migrations.Migration):
    dependencies = [("vcio", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
