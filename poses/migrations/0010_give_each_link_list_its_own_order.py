from django.db import migrations, models
from django.db.models import F


def copy_order(apps, schema_editor):
    # Until now one number ordered both lists; each list starts from it.
    PoseLink = apps.get_model("poses", "PoseLink")
    PoseLink.objects.update(position_among_follow_ups=F("position_among_preparatory"))


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0009_add_starting_position"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="poselink",
            options={"ordering": ["pk"], "verbose_name": "preparatory link"},
        ),
        migrations.RenameField(
            model_name="poselink", old_name="position", new_name="position_among_preparatory"
        ),
        migrations.AlterField(
            model_name="poselink",
            name="position_among_preparatory",
            field=models.PositiveIntegerField(
                default=0, help_text="Its place in the follow-up pose's list of preparatory poses."
            ),
        ),
        migrations.AddField(
            model_name="poselink",
            name="position_among_follow_ups",
            field=models.PositiveIntegerField(
                default=0, help_text="Its place in the preparatory pose's list of follow-up poses."
            ),
        ),
        migrations.RunPython(copy_order, migrations.RunPython.noop),
    ]
