from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from poses.models import Pose
from studio import edge


class NewPosesFeed(Feed):
    """The newest published poses, for feed readers."""

    feed_type = Atom1Feed
    title = "New poses · Studio pose library"
    subtitle = "Poses our teachers have just published, step by step."
    link = reverse_lazy("poses:list")
    size = 20

    def __call__(self, request, *args, **kwargs):
        return edge.tagged("poses")(super().__call__)(request, *args, **kwargs)

    def items(self):
        return Pose.objects.newest_first()[: self.size]

    def item_title(self, pose):
        return f"{pose.sanskrit_name} ({pose.english_name})"

    def item_description(self, pose):
        return pose.summary

    def item_pubdate(self, pose):
        return pose.published_at

    def item_updateddate(self, pose):
        return pose.updated_at
