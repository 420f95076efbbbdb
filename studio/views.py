"""The site's own views: health, robots.txt, the editor's endpoints, and what every
public page shares."""

import logging
from functools import wraps

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve

from studio.images import CleanImageField
from studio.markdown import MAX_MARKDOWN_LENGTH, render_markdown

logger = logging.getLogger(__name__)


class ReadOnlyView:
    """Public pages only read: any other method gets 405 (not a CSRF 403 first)."""

    http_method_names = ["get", "head", "options"]

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


def read_only(view):
    """A public view that only reads: other methods get 405 with `Allow: GET, HEAD`, not a
    CSRF failure (403) first, since the CSRF check runs before the view."""
    return csrf_exempt(require_safe(view))


@read_only
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl everything; the sitemap lists every published pose.

    The admin is left out on purpose: its pages tell crawlers not to index them, and naming
    its address here would publish what DJANGO_ADMIN_URL exists to hide.
    """
    lines = [
        "User-agent: *",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# The editor's endpoints: the live preview and image uploads, for staff only.


def staff_only(view):
    """Anyone but active staff gets a plain 403: never a redirect to the login page, whose
    address DJANGO_ADMIN_URL keeps from whoever does not already know it."""

    @wraps(view)
    def staff_view(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return staff_view


class EditorImageForm(forms.Form):
    image = CleanImageField()


@staff_only
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    content = request.POST.get("content", "")
    if len(content) > MAX_MARKDOWN_LENGTH:
        return HttpResponse(
            format_html(
                "<p><strong>Too long to preview:</strong> {} characters; the limit is {}. "
                "All of your text is kept: shorten it by {} to save it.</p>",
                f"{len(content):,}",
                f"{MAX_MARKDOWN_LENGTH:,}",
                f"{len(content) - MAX_MARKDOWN_LENGTH:,}",
            ),
            status=400,
        )
    return HttpResponse(render_markdown(content))


@staff_only
@require_POST
def markdown_image_upload(request: HttpRequest) -> JsonResponse:
    # Images go into what a teacher writes: only someone who may change what they go into
    # (settings.MARKDOWN_UPLOAD_PERMISSIONS) needs to upload one; staff who only read do not.
    if not any(request.user.has_perm(p) for p in settings.MARKDOWN_UPLOAD_PERMISSIONS):
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


@read_only
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when every service the site relies on answers, 503 when one does not (for the
    proxy's health check); one line per service says which."""
    checks = {"database": database_answers(), "cache": cache_answers()}
    body = "".join(f"{name}: {'ok' if ok else 'unavailable'}\n" for name, ok in checks.items())
    return HttpResponse(
        body, status=200 if all(checks.values()) else 503, content_type="text/plain"
    )


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return False
    return True


def cache_answers() -> bool:
    # Pages are still served without the cache, but slower and with more database work.
    try:
        cache.set("healthz", "ok", 10)
        return cache.get("healthz") == "ok"
    except Exception:
        logger.exception("Health check: the cache does not answer")
        return False


def floor(request: HttpRequest) -> HttpResponse:
    """The framework's floor for `make bench`: a constant answer, nothing else."""
    return HttpResponse("ok\n", content_type="text/plain")


@csrf_exempt
@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse:
    """An uploaded image, where no proxy serves them (settings.SERVE_MEDIA): with the type
    its name says, never sniffed, and never run as a page of ours if it were not an image."""
    if not settings.SERVE_MEDIA:
        raise Http404("Uploaded files are served by the proxy.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response
