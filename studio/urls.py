from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from poses.feeds import NewPosesFeed
from poses.safety_profile import safe_for_me
from poses.sitemaps import SITEMAPS
from poses.views import HomeView
from studio import edge
from studio.views import (
    floor,
    healthz,
    markdown_image_upload,
    markdown_preview,
    media,
    read_only,
    robots_txt,
)

admin.site.site_header = "Studio pose library"
admin.site.site_title = "Studio admin"
admin.site.index_title = "Poses and what links them"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    # /poses/<slug>.json, before the pose pages; gone with the exchange app.
    *([path("poses/", include("exchange.urls"))] if apps.is_installed("exchange") else []),
    path("poses/", include("poses.urls")),
    path("sequences/", include("sequences.urls")),
    path("safe-for-me/", safe_for_me, name="safe_for_me"),
    # An index of sitemaps of at most PoseSitemap.limit poses each: each costs the same
    # however large the library grows.
    path(
        "sitemap.xml",
        read_only(edge.tagged("poses")(sitemaps.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        read_only(edge.tagged("poses")(sitemaps.sitemap)),
        {"sitemaps": SITEMAPS, "template_name": "sitemap.xml"},
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("feeds/poses/", read_only(NewPosesFeed()), name="pose_feed"),
    path(settings.ADMIN_URL, admin.site.urls),
    # The markdownx editor posts to these paths; our views answer, for staff only.
    path("markdownx/markdownify/", markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", markdown_image_upload, name="markdownx_upload"),
]

# Uploaded images, when no proxy serves them (settings.SERVE_MEDIA).
urlpatterns.append(path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", media, name="media"))

if settings.BENCH_FLOOR:
    urlpatterns.append(path("bench/floor", floor))
