import re

from django.db import migrations, models

# Benefits that speak of organs, diseases or healing are the tradition's claims, not what the
# body does in the pose; anything else stays a physical effect. Teachers can change either.
TRADITIONAL_CLAIM = re.compile(
    r"\b(heal|cure|toxin|detox|kidney|liver|organ|disease|infection|impoten|menstru|"
    r"menopaus|insomnia|depression|anxiety|blood pressure|digest|immun|fertility|"
    r"thyroid|respiratory|asthma|sciatica|headache|fatigue|metabolism|circulation)",
    re.IGNORECASE,
)


def classify(apps, schema_editor):
    Benefit = apps.get_model("poses", "Benefit")
    traditional = [b.pk for b in Benefit.objects.all() if TRADITIONAL_CLAIM.search(b.text)]
    Benefit.objects.filter(pk__in=traditional).update(kind="traditional")


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0006_describe_pose_image_and_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="benefit",
            name="kind",
            field=models.CharField(
                choices=[("physical", "Physical effect"), ("traditional", "Traditional claim")],
                default="physical",
                help_text="Physical effect: what the body does in the pose (stretches the "
                "hamstrings). Traditional claim: what yoga tradition says it helps (digestion, "
                "an organ, a disease); students see it marked as not established medical advice.",
                max_length=12,
            ),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
