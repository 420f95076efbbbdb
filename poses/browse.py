"""The pose list's search and filters: what the URL asks for, and the choices around it.

Every filter is a URL parameter, so a filtered list can be shared or bookmarked. Each
filter's choices show how many poses they would leave, given the search and the other
filters; a few grouped queries give all the counts, whatever the library's size.
"""

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Count, Value

from poses.facets import current_index
from poses.fulltext import through_the_index, word_sets
from poses.models import (
    CARD_FIELDS,
    TAGS_TIER,
    BodyArea,
    Condition,
    Level,
    Pose,
    PoseQuerySet,
    PoseType,
    SafetyNote,
    Style,
    Synonym,
    guidance_says,
    names_and_typos,
    rank_names,
    search_matches,
)
from poses.search import plain_words, query_terms, search_key

MAX_QUERY_LENGTH = 200
# Words that make a query about health: with one of them, a condition sharing any other word
# with the query is offered ("back pain" → back injury).
CONDITION_WORDS = frozenset(
    [
        "pain",
        "painful",
        "ache",
        "aches",
        "injury",
        "injured",
        "injuries",
        "hurt",
        "hurts",
        "sore",
        "condition",
        "problems",
        "syndrome",
        "surgery",
        "recent",
        "joint",
        "pregnant",
    ]
)
MAX_VALUE_LENGTH = 100
# Parameters that may be given more than once, each value narrowing the list further
# (`?safe_for=knee-injury&safe_for=pregnancy`); the others keep their last value.
REPEATABLE = {"safe_for": 5}

# URL parameter -> how it narrows the poses.
FILTERS = {
    "level": PoseQuerySet.for_level,
    "type": PoseQuerySet.of_type,
    "style": PoseQuerySet.in_style,
    "area": PoseQuerySet.working_on,
    "stretches": PoseQuerySet.stretching,
    "strengthens": PoseQuerySet.strengthening,
    "safe_for": PoseQuerySet.safe_for,
}
LABELS = {
    "level": "Level",
    "type": "Pose type",
    "style": "Style",
    "area": "Body area",
    "stretches": "Stretches",
    "strengthens": "Strengthens",
    "safe_for": "Guidance for",
}


@dataclass
class Choice:
    value: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass
class Facet:
    parameter: str
    label: str
    choices: list[Choice] = field(default_factory=list)


@dataclass(frozen=True)
class ChosenConditions:
    """The conditions a list is filtered for, named as one for the page's sentences."""

    conditions: list[Condition]

    @property
    def name(self):
        names = [condition.name for condition in self.conditions]
        return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


class ListedPoses:
    """The poses listed, one segment after another, each a list of pose ids in order or a
    set of the facet index (in the list's order): counted and sliced without making the
    whole list; a slice reads only its poses, for their cards."""

    def __init__(self, browse, segments):
        self.browse, self.index = browse, browse.index
        self.segments = [
            (segment, len(segment) if isinstance(segment, list) else segment.bit_count())
            for segment in segments
        ]

    def count(self):
        return sum(size for _, size in self.segments)

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("ListedPoses takes plain slices only")
        start, stop, _ = key.indices(self.count())
        ids = []
        for segment, size in self.segments:
            if start < size and stop > 0:
                if isinstance(segment, list):
                    ids += segment[max(start, 0) : stop]
                else:
                    ids += self.index.ids_in_order(segment, max(start, 0), stop)
            start, stop = start - size, stop - size
        return self.browse.cards(ids)


class CountedPoses:
    """A queryset whose count is known already (from the facet index): the paginator reads
    only the slice it shows."""

    def __init__(self, poses, count):
        self.poses, self._count = poses, count

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, key):
        return list(self.poses[key])


@dataclass
class Browse:
    query: str
    filters: dict[str, list[str]]  # parameter -> its values, in the order given

    @classmethod
    def from_query_dict(cls, params):
        def clean(value):
            # NUL and other control characters can only be noise here (and PostgreSQL
            # refuses NUL in text).
            return "".join(c for c in value if c.isprintable()).strip()

        def values(name):
            given = params.getlist(name)
            kept = dict.fromkeys(
                value for value in (clean(v)[:MAX_VALUE_LENGTH] for v in given) if value
            )
            return list(kept)[: REPEATABLE[name]] if name in REPEATABLE else list(kept)[-1:]

        query = clean(params.get("q", ""))[:MAX_QUERY_LENGTH]
        return cls(
            # Only punctuation is no search at all: list everything rather than nothing.
            query=query if search_key(query) else "",
            filters={name: found for name in FILTERS if (found := values(name))},
        )

    @property
    def is_narrowed(self):
        return bool(self.query or self.filters)

    @cached_property
    def synonyms(self):
        # Always read afresh: a teacher's new synonym must count within its own transaction
        # (the miss it fixes is checked before the commit renews the index).
        return Synonym.objects.mapping()

    @cached_property
    def matches_any_word(self):
        """No pose has every word of a query of several: then poses with any of them are
        listed, best first, and the page says so."""
        if len(query_terms(self.query, self.synonyms)) < 2:
            return False
        if self.index:
            every_word = self.match_bits(match_all=True)
            return not self.matching_bits(searching=False) & every_word
        every_word = search_matches(self.query, synonyms=self.synonyms)
        return not self.filtered().filter(pk__in=every_word).exists()

    def filtered(self, *, ignoring=None):
        poses = Pose.objects.published()
        for name, values in self.filters.items():
            if name != ignoring:
                poses = FILTERS[name](poses, *values)
        return poses

    def poses(self):
        """Published poses matching the search and every filter, best match first."""
        poses = self.filtered()
        if self.query:
            poses = poses.search(
                self.query, synonyms=self.synonyms, match_all=not self.matches_any_word
            )
        return poses

    @cached_property
    def search_matches(self):
        return search_matches(
            self.query, synonyms=self.synonyms, match_all=not self.matches_any_word
        )

    def matching(self, *, ignoring=None):
        """The poses matching the search and every filter (but `ignoring`), unranked: what
        the counts count. The search's part is built once per page."""
        poses = self.filtered(ignoring=ignoring)
        if self.query:
            poses = poses.filter(pk__in=self.search_matches)
        return poses.order_by()

    @cached_property
    def index(self):
        """The library's facet index (poses/facets.py), or None: then the database counts."""
        return current_index()

    def listed(self):
        """The poses to list, in order, as the paginator takes them: counted from the index,
        and a search's page ranked by the database; where there is no index, the queryset
        of poses() (built only then: its filters alone take milliseconds to compose)."""
        if not self.index:
            return self.poses().for_cards()
        if not self.query:
            return ListedPoses(self, [self.matching_bits()])
        with through_the_index():  # one transaction for all of the search's lookups
            return self.ranked(self.matching_bits())

    def ranked(self, matching):
        """A search's matches (`matching`, a set of the index) in search()'s order."""
        # The head: every pose search() may put above TAGS_TIER (the query as a name, a
        # span of it as one, a name a typo away, the words in the names) and every pose with
        # the query in its English or Sanskrit name, or as a whole other name. search() ranks
        # any other match by its tier alone (TAGS_TIER if tagged, else the next), then by
        # name: so the head ranked as search() ranks it, from the index's names and the
        # lookups made already, and the rest by tier, then in the list's order (by name),
        # is search()'s order.
        _, in_names, tagged = self.word_sets(match_all=not self.matches_any_word)
        head = self.named | in_names
        head.update(self.index.names_containing(search_key(self.query)))
        head = matching & self.index.bits_of_ids(head)
        ranked = rank_names(
            self.query,
            self.index.name_rows(head),
            synonyms=self.synonyms,
            typo=self.typo,
            in_names=in_names,
            tagged=tagged,
        )
        tiers = {}
        for pk, tier in ranked:
            tiers.setdefault(min(tier, TAGS_TIER + 1), []).append(pk)
        rest = matching & ~head
        by_tags = rest & self.index.bits_of_ids(tagged)
        segments = [
            *(tiers.get(tier, []) for tier in range(TAGS_TIER + 1)),
            by_tags,
            tiers.get(TAGS_TIER + 1, []),
            rest & ~by_tags,
        ]
        return ListedPoses(self, segments)

    def cards(self, ids):
        """The poses of these ids, for their cards, in this order (with how each stands for
        the conditions of `?safe_for=`, as the list says)."""
        # Read by primary key, then checked: a card never shows a pose the index holds by
        # mistake. (With the public filter in the same query, SQLite would walk every
        # published pose in the list's index instead of reading 24 rows: 2-8 ms at 10,000.)
        # Their pose types from the index too: one query (and its ORM work) fewer.
        poses = Pose.objects.filter(pk__in=ids).only(*CARD_FIELDS, "status", "published_at")
        by_id = {}
        for pose in poses.order_by():
            if pose.is_published and (types := self.index.type_labels(pose.pk)) is not None:
                pose.card_types = types
                by_id[pose.pk] = pose
        return self.with_guidance([by_id[pk] for pk in ids if pk in by_id])

    def with_guidance(self, cards):
        """Each card's guidance for the conditions of `?safe_for=`, from the index (as
        PoseQuerySet.safe_for() says it)."""
        if slugs := self.filters.get("safe_for"):
            for pose in cards:
                pose.safety_guidance = self.index.strictest_guidance(pose.pk, slugs)
        return cards

    @cached_property
    def search_bits(self):
        return self.match_bits(match_all=not self.matches_any_word)

    def match_bits(self, *, match_all):
        """The search's matches (with every word, or any), from the index: what
        search_matches() finds, the poses it names and those with its words."""
        found = self.__dict__.setdefault("_match_bits", {})
        if match_all not in found:
            anywhere, _, _ = self.word_sets(match_all=match_all)
            found[match_all] = self.index.bits_of_ids(self.named | anywhere)
        return found[match_all]

    def word_sets(self, *, match_all):
        """The poses with the query's words (every one, or any) anywhere, in their names,
        in their names or tags (poses/fulltext.py): read once each."""
        found = self.__dict__.setdefault("_word_sets", {})
        if match_all not in found:
            with through_the_index():
                terms = query_terms(self.query, self.synonyms)
                found[match_all] = word_sets(terms, match_all=match_all)
        return found[match_all]

    def matching_bits(self, *, ignoring=None, searching=True):
        """What `matching()` finds, from the index (without the search's part if not
        `searching`)."""
        bits = self.index.everything
        for name, values in self.filters.items():
            if name != ignoring:
                bits &= self.index.filter_bits(name, values)
        if self.query and searching and bits:
            bits &= self.search_bits
        return bits

    @cached_property
    def conditions_named(self):
        """Conditions the query speaks of ("pregnancy", "knee pain"): search cannot say which
        poses suit them, so the page points to the safe-for filter instead."""
        if not self.query:
            return []
        words = set(plain_words(self.query))
        for phrase, alternatives in self.synonyms.items():
            if set(phrase) <= words:
                words.update(word for text in alternatives for word in plain_words(text))
        asks_about_health = bool(words & CONDITION_WORDS)
        named = []
        for condition in self.conditions:
            specific = set(plain_words(condition.name)) - CONDITION_WORDS
            if specific and (specific <= words or (asks_about_health and specific & words)):
                named.append(condition)
        return named

    def url(self, **changes):
        """This list's URL with some parameters set (to a value or a list of values) or
        removed (given None or an empty list)."""
        params = {"q": self.query, **self.filters, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v}, doseq=True)

    @property
    def page_link_prefix(self):
        """What goes before `page=N` in the pager's links, keeping the search and filters."""
        params = self.url()[1:]
        return f"?{params}&" if params else "?"

    def active_filters(self):
        """(label, URL without it) for each filter in use, so each can be removed."""
        choice_labels = {
            (facet.parameter, choice.value): choice.label
            for facet in self.facets()
            for choice in facet.choices
        }
        return [
            (
                f"{LABELS[name]}: {choice_labels.get((name, value), value)}",
                self.url(**{name: [other for other in values if other != value]}),
            )
            for name, values in self.filters.items()
            for value in values
        ]

    def facets(self):
        if not hasattr(self, "_facets"):
            self._facets = [
                self.level_facet(),
                self.vocabulary_facet("type", PoseType, "poses"),
                self.vocabulary_facet("style", Style, "poses"),
                self.vocabulary_facet("stretches", BodyArea, "stretched_by"),
                self.vocabulary_facet("strengthens", BodyArea, "strengthened_by"),
                self.safe_for_facet(),
            ]
        return self._facets

    @property
    def has_choices(self):
        return any(facet.choices for facet in self.facets())

    def facet(self, parameter, choices):
        """A filter with the choices that would list some pose, and those selected even when
        they list none, so that the student sees them and can remove them."""
        shown = [choice for choice in choices if choice.count or choice.selected]
        return Facet(parameter, LABELS[parameter], shown)

    def choice(self, parameter, value, label, count):
        """A filter's choice: its link selects it, or removes it when it is selected. A
        repeatable filter's choice adds its value to those selected."""
        chosen = self.filters.get(parameter, [])
        selected = value in chosen
        if not count and not selected:
            return Choice(value, label, count, "", selected)  # not shown: facet() drops it
        if selected:
            values = [other for other in chosen if other != value]
        elif parameter in REPEATABLE:
            values = [*chosen, value]
        else:
            values = [value]
        return Choice(value, label, count, self.url(**{parameter: values}), selected)

    @cached_property
    def level_counts(self):
        if self.index:
            matching = self.matching_bits(ignoring="level")
            return {
                level: (matching & poses).bit_count()
                for level, poses in self.index.having["level"].items()
            }
        return dict(
            self.matching(ignoring="level")
            .values_list("level")
            .annotate(count=Count("pk", distinct=True))
        )

    def level_facet(self):
        counts = self.level_counts
        return self.facet(
            "level",
            [
                self.choice("level", level, label, counts.get(level, 0))
                for level, label in Level.choices
            ],
        )

    def vocabulary_facet(self, parameter, model, poses_relation):
        if self.index:
            matching = self.matching_bits(ignoring=parameter)
            having = self.index.having[parameter]
            return self.facet(
                parameter,
                [
                    self.choice(
                        parameter, slug, label, (matching & having.get(slug, 0)).bit_count()
                    )
                    for slug, label in self.index.labels[parameter]
                ],
            )
        # Joined from the matching poses' side: the through table's (pose, term) index is
        # read for those poses only, not scanned whole for each term.
        matching = self.matching(ignoring=parameter)
        terms = list(
            model.objects.filter(**{f"{poses_relation}__in": matching})
            .annotate(count=Count(poses_relation))
            .order_by("name")
        )
        # A chosen term that no matching pose has is not among them: read it too (one query
        # more, only then), so it stays listed and can be removed.
        found = {term.slug for term in terms}
        missing = [slug for slug in self.filters.get(parameter, []) if slug not in found]
        if missing:
            chosen = model.objects.filter(slug__in=missing).annotate(count=Value(0))
            terms = sorted([*terms, *chosen], key=lambda term: term.name)
        return self.facet(
            parameter,
            [self.choice(parameter, term.slug, str(term), term.count) for term in terms],
        )

    @cached_property
    def conditions(self):
        return self.index.condition_objects if self.index else list(Condition.objects.all())

    @cached_property
    def names_and_typos(self):
        """The poses the query names (as a name or a span of one; a typo away): read once."""
        return names_and_typos(self.query)

    @property
    def named(self):
        by_name, typo = self.names_and_typos
        return by_name | typo

    @property
    def typo(self):
        return self.names_and_typos[1]

    @cached_property
    def safe_for_conditions(self):
        """The conditions `?safe_for=` names that the library knows, as one, named after
        them all ("Knee injury or pregnancy"); None if there is none."""
        slugs = self.filters.get("safe_for", [])
        chosen = [condition for condition in self.conditions if condition.slug in slugs]
        return ChosenConditions(chosen) if chosen else None

    def safe_for_facet(self):
        """Each condition, with how many of the poses listed are left once those to avoid
        with it are hidden too: by a pose's own note, or else by the studio's guidance for
        one of its pose types. (A condition already chosen hides none of them.)

        One query whatever the library's size: over the poses listed, how many are in each
        condition's set of poses to avoid, the very sets the filter hides (guidance_says),
        each built once by the database. (Grouping the notes and the guidance by condition
        instead led PostgreSQL to misjudge a join and run the search once per pose: 8 s.)"""
        if self.index:
            matching = self.matching_bits()
            total = matching.bit_count()
            return self.facet(
                "safe_for",
                [
                    self.choice(
                        "safe_for",
                        slug,
                        name,
                        total - (matching & self.index.avoid[slug]).bit_count(),
                    )
                    for slug, name in self.index.conditions
                ],
            )
        matching = self.matching()
        avoided = matching.aggregate(
            **{
                str(condition.pk): Count(
                    "pk",
                    distinct=True,
                    filter=guidance_says(SafetyNote.Kind.AVOID, condition.slug),
                )
                for condition in self.conditions
            }
        )
        # Without a level chosen, the level counts add up to the poses listed.
        total = matching.count() if "level" in self.filters else sum(self.level_counts.values())
        return self.facet(
            "safe_for",
            [
                self.choice("safe_for", c.slug, c.name, total - avoided[str(c.pk)])
                for c in self.conditions
            ],
        )
