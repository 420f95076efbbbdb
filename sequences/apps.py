from django.apps import AppConfig


class SequencesConfig(AppConfig):
    name = "sequences"
    verbose_name = "Class sequences"

    def ready(self):
        from poses.models import Pose
        from sequences import models
        from studio import cache, edge, markdown, ordering

        markdown.render_on_save(self)
        ordering.restores_in_place(models.SequenceItem, "sequence")
        # Sequence pages are cached like pose pages: a change renews every cached page.
        cache.publishes(models.Sequence)
        cache.shows(models.SequenceItem)

        # The edge cache (studio/edge.py), after the page cache's receivers.
        edge.keyed(models.Sequence, "sequence", "sequences")
        # The list shows each sequence's number of poses and its time.
        edge.purges(models.SequenceItem, via=("sequence",), also=("sequences",))
        # A pose just published joins the sequences that include it.
        edge.purges(Pose, keys=sequences_showing)


def sequences_showing(pose):
    """Keys of the sequences that include `pose`: shown there once it is published."""
    from sequences.models import SequenceItem

    if not pose.is_published:
        return set()

    items = SequenceItem.objects.filter(pose=pose).values_list("sequence", flat=True)
    return {f"sequence-{pk}" for pk in items}
