import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@csrf_exempt  # read-only: other methods get 405, not a CSRF 403
@require_safe
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
