from django.views.generic import DetailView, ListView, TemplateView

from poses.models import Pose


class HomeView(TemplateView):
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


class PoseListView(ListView):
    paginate_by = 24
    context_object_name = "poses"

    def get_queryset(self):
        return Pose.objects.published().for_cards()


class PoseDetailView(DetailView):
    context_object_name = "pose"

    def get_queryset(self):
        return Pose.objects.visible_to(self.request.user).for_pose_page()
