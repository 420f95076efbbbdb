from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView, TemplateView

from poses.browse import FILTERS, Browse
from poses.models import Pose
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


@method_decorator(cached_page(params=("q", "page", *FILTERS), search_param="q"), name="dispatch")
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
class PoseDetailView(ReadOnlyView, DetailView):
    context_object_name = "pose"

    def get_queryset(self):
        return Pose.objects.visible_to(self.request.user).for_pose_page()
