from django.db import migrations, models

# Words a benefit uses when it claims to help a condition, for the conditions every install
# has had since the starter library; teachers edit them in the admin.
CLAIM_WORDS = {
    "asthma": "respiratory\nbreathing\nlungs",
    "back-injury": "back pain\nsciatica\nspine",
    "knee-injury": "knees\nknee pain",
    "high-blood-pressure": "hypertension\nblood pressure",
    "low-blood-pressure": "blood pressure",
    "pregnancy": "fertility\nmenstrual\nchildbirth",
    "diarrhea": "digestion\ndigestive\nbowel",
    "neck-injury": "neck pain",
    "osteoporosis": "bone density\nbones",
    "glaucoma": "eyes\neyesight",
    "heart-condition": "heart\ncirculation",
}


def set_words(apps, schema_editor):
    Condition = apps.get_model("poses", "Condition")
    for slug, words in CLAIM_WORDS.items():
        Condition.objects.filter(slug=slug, claim_words="").update(claim_words=words)


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0013_give_roles_counterposes_and_guidance"),
    ]

    operations = [
        migrations.AddField(
            model_name="condition",
            name="claim_words",
            field=models.TextField(
                blank=True,
                help_text="Words a benefit would use to claim it helps this condition, one per "
                "line (for asthma: respiratory, breathing, lungs). The admin warns when a pose "
                "to avoid with the condition claims such a benefit. The condition's name always "
                "counts.",
                verbose_name="words of a claim to help it",
            ),
        ),
        migrations.RunPython(set_words, migrations.RunPython.noop),
    ]
