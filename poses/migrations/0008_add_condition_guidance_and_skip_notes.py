import django.db.models.deletion
import markdownx.models
from django.db import migrations, models

KIND_HELP = (
    "Avoid: do not practise. Modify: practise with the change described. Caution: practise "
    "with care."
)


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0007_label_benefits_physical_or_traditional"),
    ]

    operations = [
        migrations.AddField(
            model_name="safetynote",
            name="no_substitute",
            field=models.BooleanField(
                default=False,
                help_text="For a note to avoid the pose when no other pose is safe instead: the "
                "student is told to skip it and rest. An avoid note needs a substitute or this.",
                verbose_name="skip it: no substitute",
            ),
        ),
        migrations.CreateModel(
            name="ConditionGuidance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("avoid", "Avoid"), ("modify", "Modify"), ("caution", "Caution")],
                        default="caution",
                        help_text=KIND_HELP,
                        max_length=10,
                    ),
                ),
                (
                    "text",
                    markdownx.models.MarkdownxField(
                        help_text="What a student with this condition should do in poses of "
                        "this type, and why. Markdown.",
                        max_length=10000,
                    ),
                ),
                ("text_html", models.TextField(blank=True, editable=False)),
                (
                    "condition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="guidance_by_pose_type",
                        to="poses.condition",
                    ),
                ),
                (
                    "pose_type",
                    models.ForeignKey(
                        help_text="Applies to every pose of this type, unless the pose has its "
                        "own note for the condition.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="condition_guidance",
                        to="poses.posetype",
                    ),
                ),
                (
                    "substitute",
                    models.ForeignKey(
                        blank=True,
                        help_text="A pose to practise instead, if one suits every pose of this "
                        "type.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="substitute_for_guidance",
                        to="poses.pose",
                    ),
                ),
            ],
            options={
                "verbose_name": "guidance for a kind of pose",
                "verbose_name_plural": "guidance for kinds of pose",
                "ordering": ["condition__name", "pose_type__name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("condition", "pose_type"), name="condition_guidance_unique_pair"
                    )
                ],
            },
        ),
    ]
