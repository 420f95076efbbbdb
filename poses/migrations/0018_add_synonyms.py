from django.db import migrations, models

# Words students type -> what the library says instead (editable in the admin).
STARTER_SYNONYMS = {
    "fold": "bend",
    "bend": "fold",
    "plough": "plow",
    "plow": "plough",
    "dog": "svanasana",
    "opener": "opening, opens",
    "opening": "opener, opens",
    "core": "abdomen, abdominals",
    "abs": "abdomen, core",
    "belly": "abdomen",
    "relax": "restorative, rest, calm",
    "relaxing": "restorative, rest, calm",
    "stress": "restorative, calm, relax",
    "calm": "restorative, relax",
    "glutes": "buttocks, gluteal",
    "bum": "glutes, buttocks",
    "backbend": "back bend, backbends",
    "back bend": "backbend",
    "upside down": "inversion",
    "inverted": "inversion",
    "balancing": "balance",
    "arm balance": "arm-balance",
    "pregnant": "pregnancy",
    "prenatal": "pregnancy",
    "sun salutation": "surya namaskar",
    "salute to the sun": "surya namaskar, sun salutation",
}


def add_starter_synonyms(apps, schema_editor):
    Synonym = apps.get_model("poses", "Synonym")
    for words, alternatives in STARTER_SYNONYMS.items():
        Synonym.objects.get_or_create(words=words, defaults={"alternatives": alternatives})


def remove_starter_synonyms(apps, schema_editor):
    apps.get_model("poses", "Synonym").objects.filter(words__in=STARTER_SYNONYMS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0016_search_poses_by_words"),
        ("poses", "0017_draw_pose_figures"),
    ]

    operations = [
        migrations.CreateModel(
            name="Synonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "words",
                    models.CharField(
                        help_text="A word or a few words, as students type them, e.g. “plough” "
                        "or “sun salutation”.",
                        max_length=80,
                        unique=True,
                        verbose_name="when students search for",
                    ),
                ),
                (
                    "alternatives",
                    models.CharField(
                        help_text="What the library may say instead, separated by commas, e.g. "
                        "“plow” or “surya namaskar”. Poses with either are found.",
                        max_length=300,
                        verbose_name="also look for",
                    ),
                ),
            ],
            options={"ordering": ["words"]},
        ),
        migrations.RunPython(add_starter_synonyms, remove_starter_synonyms),
    ]
