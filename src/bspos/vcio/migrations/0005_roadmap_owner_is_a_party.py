import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The roadmap owner becomes a party of the responsibility matrix (the free-text field was never released)."""

    dependencies = [("vcio", "0004_responsibility_matrix")]

    operations = [
        migrations.RemoveField(model_name="roadmapitem", name="owner"),
        migrations.AddField(
            model_name="roadmapitem", name="owner",
            field=models.ForeignKey(blank=True, help_text="The party of the client's virtual IT department that "
                                    "carries it out.", null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="roadmap", to="vcio.party")),
    ]
