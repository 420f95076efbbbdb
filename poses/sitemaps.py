from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from poses.facets import current_index
from poses.models import Pose


class PageSitemap(Sitemap):
    """The home page and the pose list."""

    def items(self):
        return ["home", "poses:list"]

    def location(self, url_name):
        return reverse(url_name)


SITEMAP_FIELDS = ("slug", "updated_at", "status", "published_at")


class IndexedPoses:
    """The public poses in the list's order, as the facet index has them: the paginator
    counts them from the index and reads one page's poses by primary key, so each sitemap
    page reads its 500 rows however long the library is."""

    def __init__(self, ids):
        self.ids = ids

    def count(self):
        return len(self.ids)

    __len__ = count

    def __getitem__(self, window):
        ids = self.ids[window]
        # Checked public in Python: a filter on the status beside the ids tempts SQLite
        # (no statistics) to walk every published pose through the status-led index.
        found = Pose.objects.filter(pk__in=ids).only(*SITEMAP_FIELDS).order_by().in_bulk()
        return [found[pk] for pk in ids if pk in found and found[pk].is_published]


class PoseSitemap(Sitemap):
    limit = 500  # poses per sitemap page (the index at /sitemap.xml lists the pages)

    def items(self):
        """Without a facet index (no shared cache): by primary key, the status asked as "not
        a draft" as newest_first() does, so the page walks the table from its start and stops
        at its last pose, where an order by name sorted every public pose first."""
        return (
            Pose.objects.filter(published_at__lte=timezone.now())
            .exclude(status=Pose.Status.DRAFT)
            .only(*SITEMAP_FIELDS)
            .order_by("pk")
        )

    def lastmod(self, pose):
        return pose.updated_at

    @property
    def paginator(self):
        if index := current_index():
            return Paginator(IndexedPoses(index.ids), self.limit)
        return Paginator(self.items(), self.limit)

    def get_latest_lastmod(self):
        # The index names no date: the default would read every pose, and each page's
        # entries carry their own.
        return None


SITEMAPS = {"pages": PageSitemap, "poses": PoseSitemap}
