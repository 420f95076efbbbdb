from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0011_make_counterposes_directional"),
    ]

    operations = [
        migrations.AddField(
            model_name="pose",
            name="safety_reviewed_at",
            field=models.DateField(
                blank=True,
                help_text="When a teacher last checked the precautions, substitutes and "
                "benefits against current teaching.",
                null=True,
                verbose_name="safety content reviewed on",
            ),
        ),
        migrations.AddField(
            model_name="pose",
            name="safety_reviewed_by",
            field=models.CharField(
                blank=True,
                help_text="Who did that review, as students see it.",
                max_length=120,
                verbose_name="safety content reviewed by",
            ),
        ),
    ]
