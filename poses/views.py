from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, ListView, TemplateView

from poses.browse import Browse
from poses.cache import cached_page
from poses.images import CleanImageField
from poses.markdown import MAX_MARKDOWN_LENGTH, render_markdown
from poses.models import Pose


class ReadOnlyView:
    """Public pages only read: any other method gets 405 (not a CSRF 403 first)."""

    http_method_names = ["get", "head", "options"]

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


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


@method_decorator(cached_page, name="dispatch")
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


# The editor's endpoints: the live preview and image uploads, for staff only.


class EditorImageForm(forms.Form):
    image = CleanImageField()


@staff_member_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    content = request.POST.get("content", "")
    if len(content) > MAX_MARKDOWN_LENGTH:
        return HttpResponse(
            format_html(
                "<p><strong>Too long to preview:</strong> {} characters; the limit is {}.</p>",
                len(content),
                MAX_MARKDOWN_LENGTH,
            ),
            status=400,
        )
    return HttpResponse(render_markdown(content))


# Images go into what a teacher writes: only someone who may change a pose or a sequence
# needs to upload one; staff who only read (the "Studio staff" role) do not.
UPLOAD_PERMISSIONS = ("poses.change_pose", "sequences.change_sequence")


@staff_member_required
@require_POST
def markdown_image_upload(request: HttpRequest) -> JsonResponse:
    if not any(request.user.has_perm(permission) for permission in UPLOAD_PERMISSIONS):
        return JsonResponse(
            {"error": "Only staff who may change poses or sequences can upload images."},
            status=403,
        )
    form = EditorImageForm(files=request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(form.errors.get("image", []))}, status=400)
    image = form.cleaned_data["image"]
    name = default_storage.save(f"{settings.MARKDOWNX_MEDIA_PATH}{image.name}", image)
    return JsonResponse({"image_code": f"![Describe the image]({default_storage.url(name)})"})

