from functools import wraps

from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView, TemplateView

from poses.browse import Browse
from poses.models import Pose, SearchMiss, search_miss_text
from poses.suggestions import suggested_conditions, suggested_poses
from studio.cache import cached_page
from studio.views import ReadOnlyView


@method_decorator(cached_page, name="dispatch")
class HomeView(ReadOnlyView, TemplateView):
    template_name = "home.html"
    featured_count = 6

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            featured_poses=Pose.objects.published()
            .for_cards()
            .order_by("-published_at")[: self.featured_count],
            pose_count=Pose.objects.published().count(),
            **kwargs,
        )


def counted_search(params):
    """The miss text of a search that counts as a miss when it finds nothing: a plain search
    (no filter narrowed it, so the library itself lacks it), on its first page; else ""."""
    browse = Browse.from_query_dict(params)
    if not browse.query or browse.filters or params.get("page", "1") != "1":
        return ""
    return search_miss_text(browse.query)


def cached_unless_missed(view):
    """The page cache, except for a search already known to find nothing: that is rendered,
    and so counted, each time (misses are rare; one renders like any uncached search). The
    first miss is rendered anyway, and says `Cache-Control: private, no-store` so that a
    cache honouring it keeps none; then this lookup is no longer needed."""
    cached = cached_page(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        query = counted_search(request.GET) if request.method == "GET" else ""
        if query and SearchMiss.objects.open().filter(query=query).exists():
            request.known_search_miss = query
            return view(request, *args, **kwargs)
        return cached(request, *args, **kwargs)

    return wrapper


@method_decorator(cached_unless_missed, name="dispatch")
class PoseListView(ReadOnlyView, ListView):
    paginate_by = 24
    context_object_name = "poses"

    def get_queryset(self):
        self.browse = Browse.from_query_dict(self.request.GET)
        return self.browse.poses().for_cards()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(browse=self.browse, **kwargs)
        self.missed = bool(self.browse.query and not context["paginator"].count)
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
        elif query and getattr(request, "known_search_miss", None) == query:
            SearchMiss.objects.resolve(query, "the search finds poses now")
        return response


@method_decorator(cached_page, name="dispatch")
class PoseDetailView(ReadOnlyView, DetailView):
    context_object_name = "pose"

    def get_queryset(self):
        return Pose.objects.visible_to(self.request.user).for_pose_page()
