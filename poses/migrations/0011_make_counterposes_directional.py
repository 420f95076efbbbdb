import django.db.models.deletion
from django.db import migrations, models


def related_to_directed(apps, schema_editor):
    # Each symmetric counterpose was stored as two mirrored rows, one per direction; each row
    # becomes one directed fact, so nothing is lost. Teachers then remove the direction that
    # does not hold (the starter library's own fixture is already corrected).
    RelatedPose = apps.get_model("poses", "RelatedPose")
    Counterpose = apps.get_model("poses", "Counterpose")
    rows = RelatedPose.objects.filter(kind="counterpose").order_by("pk")
    for position, row in enumerate(rows, start=1):
        Counterpose.objects.get_or_create(
            pose_id=row.pose_id, counterpose_id=row.related_id, defaults={"position": position}
        )
    rows.delete()


def directed_to_related(apps, schema_editor):
    RelatedPose = apps.get_model("poses", "RelatedPose")
    Counterpose = apps.get_model("poses", "Counterpose")
    for link in Counterpose.objects.all():
        for pose_id, related_id in (
            (link.pose_id, link.counterpose_id),
            (link.counterpose_id, link.pose_id),
        ):
            RelatedPose.objects.update_or_create(
                pose_id=pose_id, related_id=related_id, defaults={"kind": "counterpose"}
            )
    Counterpose.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0010_give_each_link_list_its_own_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="Counterpose",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "reason",
                    models.CharField(
                        blank=True,
                        help_text="Optional, one line: what it balances, e.g. “Rounds the spine "
                        "after the backbend”.",
                        max_length=160,
                    ),
                ),
                (
                    "pose",
                    models.ForeignKey(
                        help_text="The pose that needs balancing.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="counterpose_links",
                        to="poses.pose",
                    ),
                ),
                (
                    "counterpose",
                    models.ForeignKey(
                        help_text="The pose practised after it to balance it.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="countered_links",
                        to="poses.pose",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("pose", "counterpose"), name="counterpose_unique_pair"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("pose", models.F("counterpose")), _negated=True),
                        name="counterpose_not_to_itself",
                        violation_error_message="A pose cannot be its own counterpose.",
                    ),
                ],
            },
        ),
        migrations.RunPython(related_to_directed, directed_to_related),
        migrations.AlterField(
            model_name="relatedpose",
            name="kind",
            field=models.CharField(
                choices=[("variation", "Variation"), ("alternative", "Alternative")],
                default="variation",
                max_length=12,
            ),
        ),
    ]
