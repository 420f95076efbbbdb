from django.core.management.base import BaseCommand

from poses import fulltext
from poses.models import Pose
from studio.cache import library_changed


class Command(BaseCommand):
    help = (
        "Recompute every pose's search keys with the current spelling rules (poses/search.py), "
        "for the day a rule changes."
    )

    def handle(self, *args, **options):
        count = 0
        for pose in Pose.objects.iterator():
            pose.index_for_search()
            count += 1
        fulltext.compact()  # one b-tree again, not a segment per batch of rewritten poses
        library_changed()  # search pages list what the new keys find
        self.stdout.write(f"Re-indexed {count} poses.")
