"""Surrogate keys for the edge cache (Varnish, a CDN): tag pages, purge them after a save.

A view names what its page shows: `edge.tag(request, "pose-12", "poses")`, under the
`edge.tagged` decorator, which writes the keys into the response's `xkey` header (Varnish's
xkey vmod) and `Surrogate-Key` header (Fastly-style CDNs). deploy/varnish/studio.vcl stores
only tagged pages.

Each app says which keys a change to its models purges (`keyed()`, `purges()`,
`purges_relation()` in its AppConfig.ready()), so this module knows no app. The keys of a
transaction are collected and sent after the commit, in one `PURGE` to each of
`settings.VARNISH_URLS`; a cache that does not answer is logged, never fatal.
"""

import logging
import urllib.error
import urllib.request
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from studio.transactions import on_commit_once

PURGE_TIMEOUT = 2  # seconds: an edit waits for the purge, so never for long
KEYS_PER_PURGE = 100  # keeps each header well under Varnish's 8 KB limit

logger = logging.getLogger(__name__)

# model -> the prefix of its own key: "pose" for "pose-12".
_keyed = {}
# model -> the keys a change to one of its rows purges (for its many-to-many relations).
_keys_of = {}


def tag(request, *keys):
    """The page answering `request` shows what these keys name."""
    request.__dict__.setdefault("edge_keys", set()).update(keys)


def tagged(*keys):
    """Write the keys the view tagged (and these) into its response's headers.

    Goes below a page cache decorator, so the response that cache stores has its keys; a
    page cache must keep them with the page, or its hits reach the edge untagged (and the
    VCL does not store an untagged page)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            tag(request, *keys)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # tags made while rendering count too
            if request.method in ("GET", "HEAD") and not response.streaming:
                header = " ".join(sorted(request.edge_keys))
                response["xkey"] = response["Surrogate-Key"] = header
            return response

        return wrapper

    return decorator


def key(instance):
    """The key of one row of a keyed model: "pose-12"."""
    return f"{_keyed[type(instance)]}-{instance.pk}"


def keyed(model, prefix, *also):
    """Pages showing a row of `model` carry its key (`prefix`-id); a change to the row purges
    that key and `also` (the lists it appears in)."""
    _keyed[model] = prefix
    purges(model, also=also, own_key=True)


def purges(model, via=(), also=(), keys=None, own_key=False):
    """A change to a row of `model` purges the keys of the keyed rows it points to through the
    foreign keys `via` (before and after the change), the fixed keys `also`, and what
    `keys(row)` returns (pages that show the row without pointing at it from their own key)."""
    fields = [model._meta.get_field(name) for name in via]

    def keys_of(instance):
        found = set(also)
        if own_key:
            found.add(key(instance))
        for field in fields:
            value = getattr(instance, field.attname)
            if value is not None:
                found.add(f"{_keyed[field.related_model]}-{value}")
        return found

    def before_save(sender, instance, raw, **kwargs):
        # A row moved to another pose leaves the old pose's page too.
        if raw or instance.pk is None or not settings.VARNISH_URLS:
            return
        old = model._base_manager.filter(pk=instance.pk).values(*(f.attname for f in fields))
        for row in old:
            purge_after_commit(
                *(
                    f"{_keyed[field.related_model]}-{row[field.attname]}"
                    for field in fields
                    if row[field.attname] is not None
                )
            )

    def changed(sender, instance, **kwargs):
        if not settings.VARNISH_URLS:
            return
        found = keys_of(instance)
        if keys is not None:
            found.update(keys(instance))
        purge_after_commit(*found)

    if own_key or fields or also:
        _keys_of[model] = keys_of
    if fields:
        pre_save.connect(before_save, sender=model, weak=False)
    post_save.connect(changed, sender=model, weak=False)
    post_delete.connect(changed, sender=model, weak=False)


def purges_relation(relation, also=()):
    """A change to this many-to-many relation purges the keys of the rows on its owning side
    (whose model declared them with `keyed()` or `purges()`), and `also`."""
    owner = relation.field.model

    def changed(sender, instance, action, reverse, model, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        if not reverse:
            owners = [instance]
        elif pk_set is None:  # a reverse clear: the rows are gone from the relation
            purge_after_commit(*also)
            return
        else:
            owners = owner._base_manager.filter(pk__in=pk_set)
        keys = set(also)
        for row in owners:
            keys.update(_keys_of[owner](row))
        purge_after_commit(*keys)

    m2m_changed.connect(changed, sender=relation.through, weak=False)


def purge_after_commit(*keys, using=None):
    """Purge these keys once the current transaction commits, with all the others it asks."""
    if not keys or not settings.VARNISH_URLS:
        return
    connection = transaction.get_connection(using)
    pending = connection.__dict__.setdefault("edge_pending_keys", set())
    pending.update(keys)

    def send():
        keys = sorted(pending)
        pending.clear()
        purge(keys)

    on_commit_once("edge_purge", send, using)


def purge(keys):
    """Ask every edge cache to drop the pages tagged with any of `keys`, now."""
    for url in settings.VARNISH_URLS:
        for start in range(0, len(keys), KEYS_PER_PURGE):
            request = urllib.request.Request(
                url,
                method="PURGE",
                headers={"xkey-purge": " ".join(keys[start : start + KEYS_PER_PURGE])},
            )
            try:
                with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT):
                    pass
            except (OSError, urllib.error.URLError):
                # The pages expire at their s-maxage all the same.
                logger.exception("Edge cache %s did not purge %s", url, keys)
