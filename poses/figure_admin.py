"""The figure editor in the pose admin: a JSON textarea that figure-editor.js turns into a
canvas of draggable joints. Without JavaScript the JSON is edited as text; either way the
model's validator checks it (poses/figures.py)."""

from django import forms
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse

from poses.figures import HEIGHT, JOINTS, PROPS, WIDTH


class FigureWidget(forms.Textarea):
    class Media:
        js = ("js/figure-editor.js",)
        css = {"all": ("css/figure-editor.css",)}

    def __init__(self, attrs=None):
        super().__init__({"rows": 4, "cols": 80, "class": "figure-json", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-figure-editor": "",
                "data-figures-url": reverse("admin:poses_pose_figures"),
                "data-frame": f"{WIDTH} {HEIGHT}",
                "spellcheck": "false",
            }
        )
        return context


FIGURE_FIELD = {models.JSONField: {"widget": FigureWidget}}
FIGURE_HELP = (
    "Drag the joints; the lighter limbs are the far side. Start from another pose's figure "
    f"or mirror left and right. The JSON below is what is saved: joints {', '.join(JOINTS)}; "
    f"props {', '.join(PROPS)}; x from 0 to {WIDTH}, y from 0 to {HEIGHT} (down)."
)


class FigureAdminMixin:
    """Adds the staff-only list of figures the editor starts from."""

    def get_urls(self):
        figures_view = self.admin_site.admin_view(self.figures_view)
        return [path("figures/", figures_view, name="poses_pose_figures"), *super().get_urls()]

    def figures_view(self, request: HttpRequest) -> JsonResponse:
        if not self.has_view_or_change_permission(request):
            return JsonResponse({"error": "Not allowed."}, status=403)
        poses = (
            self.model.objects.exclude(figure=None)
            .order_by("sanskrit_name")
            .values_list("sanskrit_name", "english_name", "figure")
        )
        return JsonResponse(
            {
                "poses": [
                    {"name": f"{sanskrit} ({english})", "figure": figure}
                    for sanskrit, english, figure in poses
                ]
            }
        )
