from django.core import signing
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from poses.browse import FILTERS, Browse
from poses.facets import current_index
from poses.models import Pose, SearchMiss, search_miss_text
from poses.suggestions import suggested_conditions, suggested_poses
from studio import edge
from studio.cache import cached_page
from studio.views import ReadOnlyView

NOTHING, UNOPENED = SearchMiss.Kind.NOTHING, SearchMiss.Kind.UNOPENED


@method_decorator(cached_page, name="dispatch")
@method_decorator(edge.tagged("poses"), name="dispatch")
class HomeView(ReadOnlyView, TemplateView):
    template_name = "home.html"
    featured_count = 6

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            featured_poses=Pose.objects.newest_first().for_cards()[: self.featured_count],
            pose_count=published_count(),
            **kwargs,
        )


def published_count():
    """How many poses are public: from the facet index where there is one (a count over
    every public pose grows with the library), else from the database."""
    index = current_index()
    return index.everything.bit_count() if index else Pose.objects.published().count()


def counted_search(params):
    """The miss text of a search that counts as a miss when it finds nothing: a plain search
    (no filter narrowed it, so the library itself lacks it), on its first page; else ""."""
    browse = Browse.from_query_dict(params)
    if not browse.query or browse.filters or params.get("page", "1") != "1":
        return ""
    return search_miss_text(browse.query)


# A search that finds nothing says `no-store`: never cached, so each one is counted.
@method_decorator(cached_page(params=("q", "page", *FILTERS), search_param="q"), name="dispatch")
@method_decorator(edge.tagged("poses"), name="dispatch")
class PoseListView(ReadOnlyView, ListView):
    paginate_by = 24
    context_object_name = "poses"
    template_name = "poses/pose_list.html"

    def get_queryset(self):
        """The poses listed, counted and paged from the facet index (poses/facets.py) where
        there is one: only the page's poses are read, whatever the library's size."""
        self.browse = Browse.from_query_dict(self.request.GET)
        return self.browse.listed()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(browse=self.browse, **kwargs)
        self.missed = bool(self.browse.query and not context["paginator"].count)
        if self.browse.query:
            # What js/search-left.js sends back: the query, signed, so that only searches
            # this site answered can be counted.
            context["search_left"] = signing.dumps(self.browse.query, salt=SEARCH_LEFT_SALT)
        if self.missed:
            conditions = suggested_conditions(self.browse)
            context["suggested_conditions"] = conditions
            context["suggestions"] = suggested_poses(self.browse.query, conditions)
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        query = counted_search(request.GET) if request.method == "GET" else ""
        if query and self.missed:
            SearchMiss.objects.record(query)
            add_never_cache_headers(response)
        elif query and SearchMiss.objects.open().filter(query=query, kind=NOTHING).exists():
            SearchMiss.objects.resolve(query, "the search finds poses now", kind=NOTHING)
        return response


@method_decorator(cached_page, name="dispatch")
@method_decorator(edge.tagged("vocabulary"), name="dispatch")
class PoseDetailView(ReadOnlyView, DetailView):
    context_object_name = "pose"

    def get_queryset(self):
        return Pose.objects.visible_to(self.request.user).for_pose_page()

    def get_object(self, queryset=None):
        pose = super().get_object(queryset)
        # Its styles and body areas from the facet index where one is built (three queries
        # fewer); a pose page does not build it: three queries are cheaper than a build.
        index = current_index(build=False)
        if index is not None and (terms := index.labels_of(pose.pk, Pose.PAGE_TERMS)):
            pose.page_terms = terms
        return pose

    def get_context_data(self, **kwargs):
        edge.tag(self.request, *(f"pose-{pk}" for pk in poses_named_on_page(self.object)))
        return super().get_context_data(**kwargs)


def poses_named_on_page(pose):
    """The pose and every pose whose name its page shows (from what the page prefetched)."""
    return {
        pose.pk,
        pose.starting_position_id,
        *(link.preparatory_id for link in pose.preparatory_links.all()),
        *(link.follow_up_id for link in pose.follow_up_links.all()),
        *(link.counterpose_id for link in pose.counterpose_links.all()),
        *(link.related_id for link in pose.related_links.all()),
        *(note.substitute_id for note in pose.safety_notes.all()),
    } - {None}


SEARCH_LEFT_SALT = "poses.search-left"
SEARCH_LEFT_MAX_BYTES = 2048


@csrf_exempt  # a count, sent by navigator.sendBeacon as the student leaves; nothing personal
@require_POST
@never_cache
def search_left(request):
    """A student left a plain search's results without opening one (js/search-left.js):
    counted with the misses, for staff to see what searches fail students. Only a query
    the site signed on a results page is counted, and nothing bigger than a query is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = SEARCH_LEFT_MAX_BYTES + 1
    if length > SEARCH_LEFT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        signed = signing.loads(request.POST.get("q", ""), salt=SEARCH_LEFT_SALT)
    except signing.BadSignature:
        return HttpResponseBadRequest("Not a search this site answered.")
    query = search_miss_text(signed) if isinstance(signed, str) else ""
    if query:
        SearchMiss.objects.record(query, kind=UNOPENED)
    return HttpResponse(status=204)
