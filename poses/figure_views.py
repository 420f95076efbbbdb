"""A pose's figure as a PNG, for link previews (og:image) and schema.org data."""

import logging

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from poses.figures import figure_png, figure_version
from poses.models import Pose

logger = logging.getLogger(__name__)

# The same figure and names always give the same picture: keep each one for a month.
PNG_SECONDS = 30 * 24 * 3600


@csrf_exempt
@require_safe
def pose_figure_png(request: HttpRequest, slug: str) -> HttpResponse:
    pose = get_object_or_404(
        Pose.objects.visible_to(request.user).only(
            "slug", "sanskrit_name", "english_name", "figure", "status", "published_at"
        ),
        slug=slug,
    )
    if not pose.figure:
        raise Http404("This pose has no figure yet.")
    key = "figure-png:" + figure_version(pose.figure, pose.sanskrit_name, pose.english_name)
    try:
        png = cache.get(key)
    except Exception:  # the cache only saves work: draw the picture without it
        logger.warning("Cache unavailable for %s", key, exc_info=True)
        png = None
    if png is None:
        png = figure_png(pose.figure, pose.sanskrit_name, pose.english_name)
        try:
            cache.set(key, png, PNG_SECONDS)
        except Exception:
            logger.warning("Cache unavailable for %s", key, exc_info=True)
    response = HttpResponse(png, content_type="image/png")
    # Its address carries the version (see figure_png_path): a changed figure is a new URL.
    response["Cache-Control"] = "public, max-age=86400" if pose.is_published else "private"
    return response
