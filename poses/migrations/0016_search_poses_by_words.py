"""Search by words on each database's own engine (poses/fulltext.py): the names, tags and
text of each pose as plain words, indexed by FTS5 on SQLite and by a weighted tsvector with
a GIN index on PostgreSQL (plus pg_trgm for spelling suggestions)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from poses.fulltext import create_index, drop_index
from poses.search import pose_search_fields


def index_every_pose(apps, schema_editor):
    Pose = apps.get_model("poses", "Pose")

    def names(relation):
        return [term.name for term in relation.all()]

    poses = Pose.objects.prefetch_related(
        "steps", "benefits", "pose_types", "styles", "stretches", "strengthens"
    )
    levels = {"beginner": "Beginner", "intermediate": "Intermediate", "advanced": "Advanced"}
    for pose in poses:
        other_names = [name.strip() for name in pose.other_names.splitlines() if name.strip()]
        fields = pose_search_fields(
            pose.english_name,
            pose.sanskrit_name,
            other_names,
            pose.summary,
            [text for step in pose.steps.all() for text in (step.title, step.instruction)],
            meaning=pose.meaning,
            benefits=[b.text for b in pose.benefits.all() if b.kind == "physical"],
            tags={
                "pose_types": names(pose.pose_types),
                "styles": names(pose.styles),
                "stretches": names(pose.stretches),
                "strengthens": names(pose.strengthens),
                "level": levels.get(pose.level, ""),
            },
        )
        Pose.objects.filter(pk=pose.pk).update(**fields)


def create_full_text_index(apps, schema_editor):
    create_index(schema_editor)


def drop_full_text_index(apps, schema_editor):
    drop_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0015_limit_other_names"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="pose",
            name="search_names",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="pose",
            name="search_tags",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(create_full_text_index, drop_full_text_index),
        migrations.RunPython(index_every_pose, migrations.RunPython.noop),
    ]
