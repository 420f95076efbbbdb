"""Whole public pages, cached for anonymous visitors, and never stale.

Every cached page is stored under the library's current *version*. Any change to a pose or
anything shown with it (steps, notes, links, vocabulary …) gives the library a new version,
so the very next request renders afresh; old entries simply expire. The version lives in
the cache too, so with REDIS_URL set every web process sees a change at once.

A pose scheduled to go public later changes nothing when its time comes, so pages are never
kept past the next scheduled publication.

The cache only makes pages faster: when it fails (Redis away), the failure is logged and the
page is rendered as if nothing were cached.
"""

import hashlib
import logging
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

PAGE_SECONDS = 600
VERSION_KEY = "library:version"

logger = logging.getLogger(__name__)


def library_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def library_changed(**kwargs):
    """A signal receiver: the library changed, so every cached page is out of date."""
    renew_version()
    # Once more after the commit: a page rendered between the change and the commit (from
    # the old data) must not survive under the new version.
    transaction.on_commit(renew_version)


def renew_version():
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:
        # Pages rendered meanwhile may outlive this edit by PAGE_SECONDS at most.
        logger.exception("Page cache unavailable: could not renew the library version")


def seconds_until_next_publication(version):
    key = f"library:next-publication:{version}"
    next_at = cache.get(key)
    if next_at is None:
        from poses.models import Pose
        from sequences.models import Sequence

        now = timezone.now()
        # One query for both; the parts of a compound query take no ordering of their own.
        scheduled_poses = (
            Pose.objects.filter(status=Pose.Status.PUBLISHED, published_at__gt=now)
            .values_list("published_at", flat=True)
            .order_by()
        )
        scheduled_sequences = (
            Sequence.objects.filter(status=Sequence.Status.PUBLISHED, published_at__gt=now)
            .values_list("published_at", flat=True)
            .order_by()
        )
        next_at = (
            scheduled_poses.union(scheduled_sequences).order_by("published_at").first() or False
        )
        cache.set(key, next_at, PAGE_SECONDS)
    if not next_at:
        return PAGE_SECONDS
    return max(0, min(PAGE_SECONDS, int((next_at - timezone.now()).total_seconds())))


def cached_page(view):
    """Serve a page from the cache to visitors who are not logged in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Anyone with a session (staff previewing drafts, a student's saved preferences)
        # may see a page of their own.
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        try:
            version = library_version()
            key = f"page:{version}:{path}"
            stored = cache.get(key)
        except Exception:
            logger.exception("Page cache unavailable: serving %s uncached", request.path)
            return view(request, *args, **kwargs)
        if stored:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200 and not response.streaming:
            try:
                timeout = seconds_until_next_publication(version)
                if timeout:
                    cache.set(key, (response.content, response["Content-Type"]), timeout)
            except Exception:
                logger.exception("Page cache unavailable: %s not stored", request.path)
        return response

    return wrapper
