import json

from django.core.management.base import BaseCommand, CommandError

from exchange.shape import export_poses
from poses.models import Pose


class Command(BaseCommand):
    help = (
        "Write poses, with their steps, notes, benefits and links, as JSON to stdout "
        "(the shape is described in docs/import-export.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="Default: every pose.")
        parser.add_argument(
            "--published-only",
            action="store_true",
            help="Only published poses, linked only to published poses, as /poses/<slug>.json "
            "shows them.",
        )

    def handle(self, *args, slugs, published_only, **options):
        poses = Pose.objects.published() if published_only else Pose.objects.all()
        if slugs:
            poses = poses.filter(slug__in=slugs)
            missing = sorted(set(slugs) - set(poses.values_list("slug", flat=True)))
            if missing:
                kind = "published pose" if published_only else "pose"
                raise CommandError(f"No {kind} with the slug: {', '.join(missing)}")
        data = export_poses(poses, public=published_only)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
