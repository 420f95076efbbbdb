import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from poses.models import Pose

LINK_MODELS = {"poses.poselink", "poses.relatedpose", "poses.counterpose"}
SEQUENCE_MODELS = {"sequences.sequence", "sequences.sequenceitem"}
POSE_REFERENCES = (
    "pose",
    "preparatory",
    "follow_up",
    "related",
    "counterpose",
    "substitute",
    "starting_position",
)


class Command(BaseCommand):
    help = (
        "Load pose fixtures, adding only what the library does not have yet. A pose already "
        "in the database (same slug or same Sanskrit name) is the studio's own, perhaps "
        "edited since, and is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="+", type=Path)

    def handle(self, *args, **options):
        records = []
        for path in options["fixtures"]:
            try:
                records += json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from error

        # Fixture slug -> the slug the same pose has in this library (a teacher may have
        # renamed its web address since).
        library_slugs = self.poses_in_library(r["fields"] for r in records if is_pose(r))
        new_records = [
            with_library_slugs(record, library_slugs)
            for record in records
            if not self.already_present(record, library_slugs)
        ]
        if new_records:
            with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as batch:
                json.dump(new_records, batch)
                batch.flush()
                call_command("loaddata", batch.name, verbosity=0)
        added = sum(1 for record in new_records if is_pose(record))
        self.stdout.write(f"Added {added} poses; kept {len(library_slugs)} already in the library.")

    def poses_in_library(self, fixture_poses):
        library_slugs = {}
        for fields in fixture_poses:
            match = Pose.objects.filter(
                Q(slug=fields["slug"]) | Q(sanskrit_name=fields["sanskrit_name"])
            ).first()
            if match:
                library_slugs[fields["slug"]] = match.slug
        return library_slugs

    def already_present(self, record, library_slugs):
        fields = record["fields"]
        if record["model"] in SEQUENCE_MODELS:
            # A sequence already in the library is the studio's own, with all its items.
            slug = fields["slug"] if "slug" in fields else fields["sequence"][0]
            return apps.get_model("sequences", "Sequence").objects.filter(slug=slug).exists()
        if is_pose(record):
            return fields["slug"] in library_slugs
        if record["model"] in LINK_MODELS:
            # A link between two poses the studio already has is theirs to keep or remove.
            ends = [fields[name][0] for name in POSE_REFERENCES if fields.get(name)]
            return all(slug in library_slugs for slug in ends)
        if record["model"] == "poses.conditionguidance":
            # The studio's own guidance for that condition and pose type is kept.
            return (
                apps.get_model("poses", "ConditionGuidance")
                .objects.filter(
                    condition__slug=fields["condition"][0], pose_type__slug=fields["pose_type"][0]
                )
                .exists()
            )
        if "pose" in fields:
            return fields["pose"][0] in library_slugs
        model = apps.get_model(record["model"])
        return model.objects.filter(Q(slug=fields["slug"]) | Q(name=fields["name"])).exists()


def is_pose(record):
    return record["model"] == "poses.pose"


def with_library_slugs(record, library_slugs):
    fields = dict(record["fields"])
    for name in POSE_REFERENCES:
        if fields.get(name):
            fields[name] = [library_slugs.get(fields[name][0], fields[name][0])]
    return {**record, "fields": fields}
