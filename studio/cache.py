"""Whole public pages, cached for anonymous visitors, and never stale.

Every cached page is stored under the library's current *version*. Any change to a pose or
anything shown with it (steps, notes, links, vocabulary …) gives the library a new version,
so the very next request renders afresh; old entries simply expire. The version lives in
the cache too, so with REDIS_URL set every web process sees a change at once.

Each app says what its pages show (`shows()` in its AppConfig.ready()), so this module
knows no app: a change to any of those models renews the version once, after the commit.
Something scheduled to go public later changes nothing when its time comes, so pages are
never kept past the next scheduled publication of any `publishes()` model.

The cache only makes pages faster: when it fails (Redis away), the failure is logged and the
page is rendered as if nothing were cached.
"""

import hashlib
import logging
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

from studio.transactions import on_commit_once

PAGE_SECONDS = 600
VERSION_KEY = "library:version"

logger = logging.getLogger(__name__)

# Models whose scheduled publications end a cached page's life (see `publishes`).
scheduled_models = []


def shows(*models, relations=()):
    """Cached pages show these models (and these many-to-many relations): any change to
    them renews every cached page."""
    for model in models:
        post_save.connect(library_changed, sender=model)
        post_delete.connect(library_changed, sender=model)
    for relation in relations:
        m2m_changed.connect(library_changed, sender=relation.through)


def publishes(*models):
    """Pages list these models once their publish time comes (see studio/publishing.py)."""
    shows(*models)
    scheduled_models.extend(model for model in models if model not in scheduled_models)


def library_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def library_changed(**kwargs):
    """A signal receiver: the library changed, so every cached page is out of date.

    Renewed once per transaction, after the commit: a page rendered before then (from the
    old data) is stored under the old version and never served again.
    """
    on_commit_once("library_changed", renew_version)


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
        # One query for all; the parts of a compound query take no ordering of their own.
        scheduled = [
            model._default_manager.scheduled().values_list("published_at", flat=True).order_by()
            for model in scheduled_models
        ]
        next_at = False
        if scheduled:
            first, *others = scheduled
            times = first.union(*others) if others else first
            next_at = times.order_by("published_at").first() or False
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
