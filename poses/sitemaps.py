from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.urls import reverse

from poses.browse import CountedPoses
from poses.facets import current_index
from poses.models import Pose


class PageSitemap(Sitemap):
    """The home page and the pose list."""

    def items(self):
        return ["home", "poses:list"]

    def location(self, url_name):
        return reverse(url_name)


class PoseSitemap(Sitemap):
    limit = 500  # poses per sitemap page (the index at /sitemap.xml lists the pages)

    def items(self):
        return Pose.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, pose):
        return pose.updated_at

    @property
    def paginator(self):
        """Counted from the facet index where there is one (the index at /sitemap.xml only
        needs how many pages there are; a count over every public pose grows with them)."""
        poses = self.items()
        if index := current_index():
            poses = CountedPoses(poses, index.everything.bit_count())
        return Paginator(poses, self.limit)

    def get_latest_lastmod(self):
        # The index names no date: the default would read every pose, and each page's
        # entries carry their own.
        return None


SITEMAPS = {"pages": PageSitemap, "poses": PoseSitemap}
