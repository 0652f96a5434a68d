"""The four standard playbooks: client onboarding, technician onboarding, offboarding, monthly maintenance."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bspos.knowledge.services import BUILT_IN_TEMPLATES

    Template = apps.get_model("knowledge", "ChecklistTemplate")
    Item = apps.get_model("knowledge", "ChecklistTemplateItem")
    for kind, name, items in BUILT_IN_TEMPLATES:
        if Template.objects.filter(kind=kind).exists():
            continue
        template = Template.objects.create(kind=kind, name=name)
        Item.objects.bulk_create(Item(template=template, position=i, text=text, due_after_days=days)
                                 for i, (text, days) in enumerate(items))


class Migration(migrations.Migration):

    dependencies = [("knowledge", "0002_search_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
