"""The pose list's filters and counts from an index of the published library, not a
grouped query over every matching pose.

A list page shows how many poses each filter choice would leave (about 60 counts). Counted
by the database, each count reads every matching pose, so a page of the unfiltered list
cost 150 ms of SQL at 10,000 poses and grew with the library. Here the library is read once
per version into sets of poses, one per filter value (a level, a pose type, a body area,
the poses to avoid with a condition …), each a Python integer used as a bit set: a pose is
one bit, at its place in the list's order. A count is then an AND of a few such integers and
a popcount, microseconds at any size; the page of 24 poses is the set bits at its place.

The index is built from the tables the filters read, by the filters' own rules (the
vocabularies' links; a pose's own notes, or else its pose types' guidance, as
guidance_says() has it); tests compare the two on every filter.

It is kept for the library's version (studio/cache.py): any save renews the version, and a
scheduled publication ends the index's life as it ends a cached page's. Where there is no
shared version (several processes without Redis: settings.PAGE_CACHE off) there is no
index, and browse.py counts with the database as before, never from an index older than
the last save. The built index is shared through the cache, so one process builds it per
version; each process keeps the current one in memory.
"""

import bisect
import itertools
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models.functions import Length

from poses.models import (
    BodyArea,
    Condition,
    ConditionGuidance,
    Level,
    Pose,
    PoseType,
    SafetyNote,
    Style,
)
from studio import cache as page_cache

logger = logging.getLogger(__name__)

# URL parameter -> (vocabulary model, Pose's many-to-many field).
VOCABULARIES = {
    "type": (PoseType, "pose_types"),
    "style": (Style, "styles"),
    "stretches": (BodyArea, "stretches"),
    "strengthens": (BodyArea, "strengthens"),
}


def bits_of(positions, size):
    """A set of places below `size` as an integer: bit i set for each place i. (Written as
    binary digits and read by int(): ten times faster than setting bits one by one.)"""
    digits = bytearray(b"0" * size)
    for i in positions:
        digits[i] = 49  # "1"
    return int(digits[::-1], 2) if size else 0


def bits_of_ids(ids, position, size):
    """The set of these poses, by their places in `position` (those not in it left out)."""
    places = map(position.get, ids, itertools.repeat(size))
    return bits_of(places, size + 1) & ((1 << size) - 1)  # place `size`: not listed


def places_of(bits, stop=None):
    """The places of a set's bits, lowest first (the first `stop` of them)."""
    digits = f"{bits:b}"[::-1]  # place i is character i
    found = []
    i = digits.find("1")
    while i >= 0 and (stop is None or len(found) < stop):
        found.append(i)
        i = digits.find("1", i + 1)
    return found


def lines_of(texts):
    """(text, starts): the texts as one text of a line each, and where each line starts."""
    text = "".join(f"{line}\n" for line in texts)
    starts, at = [], 0
    while at < len(text):
        starts.append(at)
        at = text.index("\n", at) + 1
    return text, starts


def lines_containing(lines, part):
    """The numbers of the lines of `lines` (from lines_of()) that contain `part`, a text
    without a line break."""
    text, starts = lines
    found = set()
    at = text.find(part)
    while at >= 0:
        line = bisect.bisect_right(starts, at) - 1
        found.add(line)
        after = starts[line + 1] if line + 1 < len(starts) else len(text)
        at = text.find(part, after)
    return found


@dataclass
class FacetIndex:
    ids: list[int]  # the published poses, in the list's order: bit i is ids[i]
    names: list[tuple[str, str, str]]  # their English, Sanskrit and other names' search keys
    name_lengths: list[tuple[int, int]]  # their English and Sanskrit names' lengths
    everything: int
    # parameter -> value -> the poses with it ("level", "type", "style", "stretches", …)
    having: dict[str, dict[str, int]]
    labels: dict[str, list[tuple[str, str]]]  # parameter -> (slug, label), by name
    # kind of guidance ("avoid", "modify", "caution") -> condition slug -> the poses it is for
    guidance: dict[str, dict[str, int]]
    conditions: list[tuple[str, str]]  # (slug, name), by name
    condition_objects: list  # the same conditions, as the list page shows them
    expires: float = 0.0
    position: dict[int, int] = field(default_factory=dict, repr=False, compare=False)
    # The names again, as two texts of a line a pose (English and Sanskrit keys; other
    # names' keys), and where each line starts: names_containing() searches them.
    name_lines: tuple = field(default=(), repr=False, compare=False)

    def __post_init__(self):
        self.position = {pk: i for i, pk in enumerate(self.ids)}
        self.name_lines = (
            lines_of(f"{english}\t{sanskrit}" for english, sanskrit, _ in self.names),
            lines_of(others for _, _, others in self.names),
        )

    def __getstate__(self):
        state = dict(self.__dict__)
        del state["position"], state["name_lines"]  # rebuilt on load: smaller when shared
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()

    @classmethod
    def build(cls, expires):
        published = Pose.objects.published()
        rows = list(
            published.order_by("sanskrit_name", "pk").values_list(
                "pk",
                "level",
                "english_key",
                "sanskrit_key",
                "other_name_keys",
                Length("english_name"),
                Length("sanskrit_name"),
            )
        )
        ids = [pk for pk, *_ in rows]
        names = [(english, sanskrit, others) for _, _, english, sanskrit, others, *_ in rows]
        name_lengths = [(english, sanskrit) for *_, english, sanskrit in rows]
        position = {pk: i for i, pk in enumerate(ids)}
        having = {
            "level": {
                value: bits_of(
                    (i for i, (_, level, *_) in enumerate(rows) if level == value), len(ids)
                )
                for value in Level.values
            }
        }
        labels = {}
        for parameter, (model, relation) in VOCABULARIES.items():
            through = getattr(Pose, relation).through
            term_column = f"{model._meta.model_name}__slug"
            labels[parameter] = [(term.slug, str(term)) for term in model.objects.order_by("name")]
            # A term added since that query has no label: it waits for the next version.
            places = {slug: [] for slug, _ in labels[parameter]}
            for pose_id, slug in through.objects.values_list("pose_id", term_column):
                if (i := position.get(pose_id)) is not None and slug in places:
                    places[slug].append(i)
            having[parameter] = {slug: bits_of(found, len(ids)) for slug, found in places.items()}
        having["area"] = {
            slug: having["stretches"].get(slug, 0) | having["strengthens"].get(slug, 0)
            for slug in having["stretches"].keys() | having["strengthens"].keys()
        }
        condition_objects = list(Condition.objects.order_by("name"))
        conditions = [(condition.slug, condition.name) for condition in condition_objects]
        guidance = cls.guidance_sets(having["type"], position, len(ids), conditions)
        return cls(
            ids=ids,
            names=names,
            name_lengths=name_lengths,
            everything=(1 << len(ids)) - 1,
            having=having,
            labels=labels,
            guidance=guidance,
            condition_objects=condition_objects,
            conditions=conditions,
            expires=expires,
        )

    @staticmethod
    def guidance_sets(types, position, size, conditions):
        """kind -> condition slug -> the poses whose guidance for it is of that kind: their
        own note on the condition, or else, when none of their notes speaks of it, the
        studio's guidance for one of their pose types (`types`: slug -> poses). What
        guidance_says() finds, from two queries for every condition and kind."""
        spoken_of = defaultdict(set)  # condition -> poses with a note of their own on it
        own = defaultdict(set)  # (kind, condition) -> poses
        notes = SafetyNote.conditions.through.objects.values_list(
            "safetynote__pose_id", "safetynote__kind", "condition__slug"
        )
        for pose_id, kind, slug in notes:
            spoken_of[slug].add(pose_id)
            own[kind, slug].add(pose_id)
        by_type = defaultdict(int)  # (kind, condition) -> poses of a type with that guidance
        for type_slug, slug, kind in ConditionGuidance.objects.values_list(
            "pose_type__slug", "condition__slug", "kind"
        ):
            by_type[kind, slug] |= types.get(type_slug, 0)

        def bits(ids):
            return bits_of_ids(ids, position, size)

        return {
            kind: {
                slug: bits(own[kind, slug]) | (by_type[kind, slug] & ~bits(spoken_of[slug]))
                for slug, _ in conditions
            }
            for kind in (SafetyNote.Kind.AVOID, SafetyNote.Kind.MODIFY, SafetyNote.Kind.CAUTION)
        }

    @property
    def avoid(self):
        return self.guidance[SafetyNote.Kind.AVOID]

    def type_labels(self, pk):
        """A pose's pose types' labels, by name (what its card shows), or None for a pose
        not in this index."""
        labels = self.labels_of(pk, ["type"])
        return None if labels is None else labels["type"]

    def labels_of(self, pk, parameters):
        """A pose's terms of each vocabulary (parameters of VOCABULARIES), their labels by
        name, or None for a pose not in this index."""
        if (i := self.position.get(pk)) is None:
            return None
        place = 1 << i
        return {
            parameter: [
                label
                for slug, label in self.labels[parameter]
                if self.having[parameter].get(slug, 0) & place
            ]
            for parameter in parameters
        }

    def strictest_guidance(self, pk, condition_slugs):
        """What PoseQuerySet.safe_for() says of a pose it lists: "modify" or "caution" for
        one of the conditions (the stricter first), or None."""
        if (i := self.position.get(pk)) is None:
            return None  # not in this index (a pose listed by the database past its limit)
        place = 1 << i
        for kind in (SafetyNote.Kind.MODIFY, SafetyNote.Kind.CAUTION):
            if any(self.guidance[kind].get(slug, 0) & place for slug in condition_slugs):
                return kind
        return None

    def filter_bits(self, parameter, values):
        """The poses a filter leaves, as the queryset filter of browse.FILTERS would."""
        if parameter == "safe_for":
            known = dict(self.conditions)
            bits = self.everything
            for slug in values:
                if slug not in known:
                    return 0  # safe for a condition nobody wrote about: nothing to vouch for
                bits &= ~self.avoid[slug]
            return bits
        bits = self.everything
        for value in values:
            bits &= self.having[parameter].get(value, 0)
        return bits

    def names_containing(self, key):
        """The poses with `key` in their English or Sanskrit name's key, or as a whole other
        name (what a search's head takes in: poses/browse.py), in the list's order. str.find() over
        one text of all the names: a few hundred microseconds at 10,000 poses, where a
        Python loop over each pose's names took 3 ms."""
        if not key:
            return list(self.ids)
        names, others = self.name_lines
        places = lines_containing(names, key) | lines_containing(others, f"|{key}|")
        return [self.ids[i] for i in sorted(places)]

    def name_rows(self, bits):
        """What rank_names() reads of the poses of a set, in the list's order: (id, English
        key, Sanskrit key, other names' keys, English name's length, Sanskrit name's
        length)."""
        return [(self.ids[i], *self.names[i], *self.name_lengths[i]) for i in places_of(bits)]

    def bits_of_ids(self, ids):
        """The set of these poses (ids of poses not listed are left out)."""
        return bits_of_ids(ids, self.position, len(self.ids))

    def ids_in_order(self, bits, start=0, stop=None):
        """The poses of a set, in the list's order, from the `start`th to the `stop`th."""
        return [self.ids[i] for i in places_of(bits, stop)][start:]


# The layout of the index: part of its key in the cache, so that an index pickled by an
# older release is never loaded by a newer one.
FORMAT = 4

# This process's index, with the version it was built for (one tuple: read at once).
_current = (None, None)


def index_key(version):
    return f"facets:{FORMAT}:{version}"


def current_index(build=True):
    """The index of the library as it is now, or None where there is no shared version to
    keep it by (settings.PAGE_CACHE off) or the cache is away; without `build`, None too
    where no process has built it yet (a page that only saves a few queries with it)."""
    global _current
    if not settings.PAGE_CACHE:
        return None
    try:
        version = page_cache.library_version()
        built_for, index = _current
        if built_for == version and index is not None and time.time() < index.expires:
            return index
        key = index_key(version)
        index = cache.get(key)
        if not build and (index is None or time.time() >= index.expires):
            return None
        if index is None or time.time() >= index.expires:
            # Kept at least a second: at a scheduled publication's moment every request
            # would otherwise build its own.
            seconds = max(1, page_cache.seconds_until_next_publication(version))
            index = FacetIndex.build(expires=time.time() + seconds)
            cache.set(key, index, seconds)
    except Exception:
        logger.exception("Facet index unavailable: counting with the database")
        return None
    _current = (version, index)
    return index
