from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView, TemplateView

from poses.browse import FILTERS, Browse
from poses.models import Pose
from studio import edge
from studio.cache import cached_page
from studio.views import ReadOnlyView


@method_decorator(cached_page, name="dispatch")
@method_decorator(edge.tagged("poses"), name="dispatch")
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


@method_decorator(cached_page(params=("q", "page", *FILTERS), search_param="q"), name="dispatch")
@method_decorator(edge.tagged("poses"), name="dispatch")
class PoseListView(ReadOnlyView, ListView):
    paginate_by = 24
    context_object_name = "poses"

    def get_queryset(self):
        self.browse = Browse.from_query_dict(self.request.GET)
        return self.browse.poses().for_cards()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(browse=self.browse, **kwargs)
        if self.browse.query and not context["paginator"].count:
            context["suggestions"] = Pose.objects.published().closest_to(self.browse.query)
        return context


@method_decorator(cached_page, name="dispatch")
@method_decorator(edge.tagged("vocabulary"), name="dispatch")
class PoseDetailView(ReadOnlyView, DetailView):
    context_object_name = "pose"

    def get_queryset(self):
        return Pose.objects.visible_to(self.request.user).for_pose_page()

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
