import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from poses.models import Pose

LINK_MODELS = {"poses.poselink", "poses.relatedpose"}


class Command(BaseCommand):
    help = (
        "Load pose fixtures, adding only what the library does not have yet. A pose already "
        "in the database is the studio's own (perhaps edited since) and is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="+", type=Path)

    def handle(self, *fixtures, **options):
        existing_poses = set(Pose.objects.values_list("slug", flat=True))
        records = []
        for path in options["fixtures"]:
            try:
                records += json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from error

        new_records = [r for r in records if not self.already_present(r, existing_poses)]
        new_poses = [r["fields"]["slug"] for r in new_records if r["model"] == "poses.pose"]
        if new_records:
            with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as batch:
                json.dump(new_records, batch)
                batch.flush()
                call_command("loaddata", batch.name, verbosity=0)
        kept = len({r["fields"]["slug"] for r in records if r["model"] == "poses.pose"}) - len(
            new_poses
        )
        self.stdout.write(f"Added {len(new_poses)} poses; kept {kept} already in the library.")

    def already_present(self, record, existing_poses):
        fields = record["fields"]
        if record["model"] == "poses.pose":
            return fields["slug"] in existing_poses
        if record["model"] in LINK_MODELS:
            # A link between two poses the studio already has is theirs to keep or remove.
            ends = [value[0] for value in fields.values() if isinstance(value, list)]
            return all(slug in existing_poses for slug in ends)
        if "pose" in fields:
            return fields["pose"][0] in existing_poses
        model = apps.get_model(record["model"])
        return model.objects.filter(slug=fields["slug"]).exists()
