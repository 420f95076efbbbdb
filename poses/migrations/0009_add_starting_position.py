import django.db.models.deletion
from django.db import migrations, models

# Links written as "the starting position" were never preparation: they say where the pose's
# first step begins. They become the pose's starting position.
STARTING_WORDS = "starting position"
REASON_WHEN_UNDONE = "The starting position"


def links_to_starting_positions(apps, schema_editor):
    Pose = apps.get_model("poses", "Pose")
    PoseLink = apps.get_model("poses", "PoseLink")
    for link in PoseLink.objects.filter(reason__icontains=STARTING_WORDS).order_by("pk"):
        updated = Pose.objects.filter(pk=link.follow_up_id, starting_position=None).update(
            starting_position_id=link.preparatory_id
        )
        if updated:
            link.delete()


def starting_positions_to_links(apps, schema_editor):
    Pose = apps.get_model("poses", "Pose")
    PoseLink = apps.get_model("poses", "PoseLink")
    for pose in Pose.objects.exclude(starting_position=None):
        PoseLink.objects.get_or_create(
            preparatory_id=pose.starting_position_id,
            follow_up_id=pose.pk,
            defaults={"reason": REASON_WHEN_UNDONE},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0008_add_condition_guidance_and_skip_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="pose",
            name="starting_position",
            field=models.ForeignKey(
                blank=True,
                help_text="The pose this one is entered from, e.g. Dandasana for seated forward "
                "bends. Not a preparatory pose: it is where the first step begins.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="started_from",
                to="poses.pose",
            ),
        ),
        migrations.AddConstraint(
            model_name="pose",
            constraint=models.CheckConstraint(
                condition=models.Q(("starting_position", models.F("pk")), _negated=True),
                name="pose_not_its_own_starting_position",
                violation_error_message="A pose cannot be its own starting position.",
            ),
        ),
        migrations.RunPython(links_to_starting_positions, starting_positions_to_links),
    ]
