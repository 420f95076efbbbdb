"""Public pages: cached whole on the server, cacheable by the book, and never stale.

Server side. Every page is stored under the library's current *version*. Any change to a
pose or anything shown with it (steps, notes, links, vocabulary …) gives the library a new
version, so the very next request renders afresh; old entries simply expire. Each app says
what its pages show (`shows()` in its AppConfig.ready()), so this module knows no app: a
change to any of those models renews the version once, after the commit. Something
scheduled to go public later changes nothing when its time comes, so pages are never kept
past the next scheduled publication of any `publishes()` model.

The version lives in the cache, so the page cache is only on where every web process sees
the same cache (settings.PAGE_CACHE: with Redis, or one process asked for it): several
processes that each kept their own would serve pages older than the last save.

An entry is keyed on the page's whole URL with its host, with only the query parameters the
page reads (`cached_page(params=…)`), sorted: `?utm_source=…` or any other junk is dropped
before the view sees it, so it neither multiplies entries nor reaches the page. Searches, an
endless space of URLs, are kept a short while only.

Personal parts. Visitors with a session (a student who chose conditions on "Safe for me")
get the same shared page, with only its personal parts rendered for them: a template marks
each with `{% personal "template.html" pose=pose %}` (studio/templatetags/studio.py), the
shared page keeps a marker around it, and for a student each is rendered again from the
objects it names, loaded in one query per kind (`loads()`). Staff always get a page of their
own (drafts, admin links).

HTTP. Pages for visitors without a session are `public` with a short `max-age` for browsers
and a longer `s-maxage` for shared caches (Varnish, a CDN; see deploy/), never past the next
scheduled publication; pages with a session are `private`. Every page carries an ETag, and
ConditionalGetMiddleware answers a matching `If-None-Match` with 304.

The cache only makes pages faster: when it fails (Redis away), the failure is logged and the
page is rendered as if nothing were cached.
"""

import hashlib
import logging
import re
import uuid
from collections import defaultdict
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from studio.transactions import on_commit_once

PAGE_SECONDS = 600  # on the server and in shared caches (s-maxage)
BROWSER_SECONDS = 60  # in a visitor's browser (max-age)
SEARCH_SECONDS = 60  # pages for a free-text query: many, and rarely asked twice
VERSION_KEY = "library:version"
# Headers that belong to one response, not to the stored page.
NOT_STORED = {"set-cookie", "cache-control", "expires", "vary", "etag", "date", "content-length"}

logger = logging.getLogger(__name__)

# Models whose scheduled publications end a cached page's life (see `publishes`).
scheduled_models = []
# How to load, by model label, the objects that personal parts name (see `loads`).
loaders = {}


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


def loads(model, load):
    """Personal parts may name objects of this model: `load(ids)` returns them, with
    whatever those parts show of them, in a fixed number of queries."""
    loaders[model._meta.label_lower] = load


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


def next_publication_key(version):
    return f"library:next-publication:{version}"


def seconds_until_next_publication(version):
    key = next_publication_key(version)
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
        # Kept until that moment at most: then the one after it is looked up.
        cache.set(key, next_at, seconds_until(next_at) or 1)
    return seconds_until(next_at)


def seconds_until(moment):
    """Seconds from now to a scheduled moment (False: none), within PAGE_SECONDS."""
    if not moment:
        return PAGE_SECONDS
    return max(0, min(PAGE_SECONDS, int((moment - timezone.now()).total_seconds())))


def canonical_query(request, params):
    """Only the parameters the page reads, in a fixed order."""
    query = QueryDict(mutable=True)
    for name in sorted(set(params) & set(request.GET)):
        query.setlist(name, sorted(request.GET.getlist(name)))
    return query


def page_key(request, version):
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{version}:{hashlib.sha256(url.encode()).hexdigest()}"


def visitor(request):
    """ "anonymous" (no session), "student" (a session, not logged in) or "staff"."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return "anonymous"
    return "staff" if request.user.is_authenticated else "student"


def cached_page(view=None, *, params=(), search_param=None):
    """Serve a public page from the cache, personal parts rendered for each visitor.

    `params`: the query parameters the page reads; `search_param`: the one holding free text
    (such pages are kept SEARCH_SECONDS only).
    """
    if view is None:
        return lambda view: cached_page(view, params=params, search_param=search_param)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        query = canonical_query(request, params)
        request.GET = query
        request.META["QUERY_STRING"] = query.urlencode()
        who = visitor(request)
        if who == "staff":
            response = view(request, *args, **kwargs)
            return finish(request, response, who, None)
        is_search = bool(query.get(search_param))
        shared, timeout = shared_page(request, view, args, kwargs, short=is_search)
        if who == "student" and shared.status_code == 200 and shared.personal_parts:
            shared = with_personal_parts(request, shared)
        return finish(request, shared, who, timeout)

    return wrapper


def shared_page(request, view, args, kwargs, *, short):
    """The page as a visitor without a session sees it, from the cache when it is there,
    and how long shared caches may keep it."""
    key = None
    timeout = PAGE_SECONDS
    try:
        version = library_version()
        timeout = seconds_until_next_publication(version)
        if short:
            timeout = min(timeout, SEARCH_SECONDS)
        key = page_key(request, version)
        stored = cache.get(key) if settings.PAGE_CACHE else None
    except Exception:
        logger.exception("Page cache unavailable: serving %s uncached", request.path)
        stored = None
    if stored:
        return stored_response(stored), timeout
    response = render_shared(request, view, args, kwargs)
    if settings.PAGE_CACHE and key and timeout and is_shareable(response):
        try:
            cache.set(key, stored_form(response), timeout)
        except Exception:
            logger.exception("Page cache unavailable: %s not stored", request.path)
    return response, timeout


def is_shareable(response):
    """A page the view did not keep to one visitor (`private`, `no-store`)."""
    control = response.get("Cache-Control", "")
    return response.status_code == 200 and "private" not in control and "no-store" not in control


def render_shared(request, view, args, kwargs):
    """Render the page as an anonymous visitor would see it, whoever asked."""
    user = getattr(request, "user", None)
    request.user = AnonymousUser()
    request.shared_render = True
    request.personal_parts = []
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
    finally:
        request.shared_render = False
        if user is not None:
            request.user = user
    response.personal_parts = request.personal_parts
    return response


def stored_form(response):
    headers = {k: v for k, v in response.items() if k.lower() not in NOT_STORED}
    return {"content": response.content, "headers": headers, "parts": response.personal_parts}


def stored_response(stored):
    response = HttpResponse(stored["content"])
    for name, value in stored["headers"].items():
        response[name] = value
    response.personal_parts = stored["parts"]
    return response


PART = re.compile(rb"<!--personal (\d+)-->.*?<!--/personal \1-->", re.DOTALL)
MARKER = re.compile(rb"<!--/?personal \d+-->")


def with_personal_parts(request, shared):
    """The shared page with each personal part rendered for this visitor."""
    wanted = defaultdict(set)
    for _, objects in shared.personal_parts:
        for label, pk in objects.values():
            wanted[label].add(pk)
    loaded = {(label, obj.pk): obj for label, ids in wanted.items() for obj in loaders[label](ids)}

    def render_part(match):
        template_name, objects = shared.personal_parts[int(match.group(1))]
        context = {name: loaded.get(ref) for name, ref in objects.items()}
        if any(obj is None for obj in context.values()):
            return b""  # gone since the page was stored: the next version drops it too
        return render_to_string(template_name, context, request=request).encode()

    response = HttpResponse(PART.sub(render_part, shared.content))
    for name, value in shared.items():
        response[name] = value
    return response


def finish(request, response, who, timeout):
    """Markers out; the headers that tell browsers and shared caches what they may keep."""
    if response.status_code == 200 and not response.streaming:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        response.content = MARKER.sub(b"", response.content)
    patch_vary_headers(response, ["Cookie"])
    if "no-store" in response.get("Cache-Control", ""):
        return response  # the view's word: kept by no one
    if who == "anonymous" and timeout and is_shareable(response):
        patch_cache_control(
            response, public=True, max_age=min(BROWSER_SECONDS, timeout), s_maxage=timeout
        )
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response
