from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path
from markdownx.views import ImageUploadView, MarkdownifyView

from poses.views import HomeView

admin.site.site_header = "Studio pose library"
admin.site.site_title = "Studio admin"
admin.site.index_title = "Poses and what links them"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("poses/", include("poses.urls")),
    path("admin/", admin.site.urls),
    # The editor's preview and uploads are for teachers only.
    path(
        "markdownx/markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
    path(
        "markdownx/upload/",
        staff_member_required(ImageUploadView.as_view()),
        name="markdownx_upload",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
