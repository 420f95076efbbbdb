"""Import and export in the pose admin: an upload page and a download action.

The pose admin knows nothing of them: this module, imported by the admin after poses/admin.py
(INSTALLED_APPS lists `exchange` after `poses`), registers Pose again with a subclass of
whichever admin poses registered, as Django's docs extend the User admin.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header

from exchange.importer import import_poses_from_text
from exchange.shape import export_poses
from poses.models import Pose

# Far more than the whole library takes; a bigger upload is surely the wrong file.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
# More poses than the admin imports within a web request's time (docs/import-export.md):
# a bigger file goes through `manage.py import_poses`, which shows its progress.
MAX_ADMIN_IMPORT_POSES = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        label="JSON file",
        help_text="A file made by “Export selected poses as JSON” or by "
        "“manage.py export_poses”, edited as you need; at most "
        f"{MAX_ADMIN_IMPORT_POSES:,} poses.",
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"This file is {file.size // 1024 // 1024} MB; the limit is "
                f"{MAX_IMPORT_BYTES // 1024 // 1024} MB."
            )
        return file


PoseAdmin = type(admin.site.get_model_admin(Pose))
admin.site.unregister(Pose)


@admin.register(Pose)
class PoseExchangeAdmin(PoseAdmin):
    """The pose admin, with an “Import poses” page and an “Export … as JSON” action."""

    actions = (*(PoseAdmin.actions or ()), "export_as_json")

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        # Before the admin's own URLs, whose "<path:object_id>/" would take "import/".
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=name),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            result = import_poses_from_text(
                form.cleaned_data["file"].read(), request.user, max_poses=MAX_ADMIN_IMPORT_POSES
            )
            if result.ok:
                messages.success(request, f"Poses imported: {result.summary()}")
                opts = self.opts
                return redirect(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist"
                )
            problems = result.errors
        context = {
            **self.admin_site.each_context(request),
            "title": "Import poses",
            "opts": self.opts,
            "form": form,
            "problems": problems,
            "max_poses": MAX_ADMIN_IMPORT_POSES,
        }
        return TemplateResponse(request, "admin/poses/pose/import.html", context)

    @admin.action(description="Export selected poses as JSON")
    def export_as_json(self, request, queryset):
        response = JsonResponse(
            export_poses(queryset), json_dumps_params={"indent": 2, "ensure_ascii": False}
        )
        filename = f"poses-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
