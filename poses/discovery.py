from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe


@require_safe
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
