import poses.figures
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0016_search_poses_by_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="pose",
            name="figure",
            field=models.JSONField(
                blank=True,
                help_text="The figure drawn for this pose: drag its joints on the canvas, or "
                "start from another pose's figure. Stored as JSON (see docs/figures.md).",
                null=True,
                validators=[poses.figures.validate_figure],
            ),
        ),
        migrations.AddField(
            model_name="step",
            name="figure",
            field=models.JSONField(
                blank=True,
                help_text="Only where a picture helps: the body at this step (leave empty for "
                "none).",
                null=True,
                validators=[poses.figures.validate_figure],
            ),
        ),
    ]
