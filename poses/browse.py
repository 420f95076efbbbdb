"""The pose list's search and filters: what the URL asks for, and the choices around it.

Every filter is a URL parameter, so a filtered list can be shared or bookmarked. Each
filter's choices show how many poses they would leave, given the search and the other
filters; a few grouped queries give all the counts, whatever the library's size.
"""

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Count, Q

from poses.models import (
    BodyArea,
    Condition,
    ConditionGuidance,
    Level,
    Pose,
    PoseQuerySet,
    PoseType,
    SafetyNote,
    Style,
    Synonym,
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


@dataclass
class Browse:
    query: str
    filters: dict[str, str]

    @classmethod
    def from_query_dict(cls, params):
        def clean(value):
            # NUL and other control characters can only be noise here (and PostgreSQL
            # refuses NUL in text).
            return "".join(c for c in value if c.isprintable()).strip()

        query = clean(params.get("q", ""))[:MAX_QUERY_LENGTH]
        return cls(
            # Only punctuation is no search at all: list everything rather than nothing.
            query=query if search_key(query) else "",
            filters={
                name: clean(params[name])[:MAX_VALUE_LENGTH]
                for name in FILTERS
                if clean(params.get(name, ""))
            },
        )

    @property
    def is_narrowed(self):
        return bool(self.query or self.filters)

    @cached_property
    def synonyms(self):
        return Synonym.objects.mapping()

    @cached_property
    def matches_any_word(self):
        """No pose has every word of a query of several: then poses with any of them are
        listed, best first, and the page says so."""
        if len(query_terms(self.query, self.synonyms)) < 2:
            return False
        return not self.filtered().search(self.query, synonyms=self.synonyms).exists()

    def filtered(self, *, ignoring=None):
        poses = Pose.objects.published()
        for name, value in self.filters.items():
            if name != ignoring:
                poses = FILTERS[name](poses, value)
        return poses

    def poses(self, *, ignoring=None):
        """Published poses matching the search and every filter (but `ignoring`)."""
        poses = self.filtered(ignoring=ignoring)
        if self.query:
            poses = poses.search(
                self.query, synonyms=self.synonyms, match_all=not self.matches_any_word
            )
        return poses

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
        for condition in Condition.objects.all():
            specific = set(plain_words(condition.name)) - CONDITION_WORDS
            if specific and (specific <= words or (asks_about_health and specific & words)):
                named.append(condition)
        return named

    def url(self, **changes):
        """This list's URL with some parameters set (or removed, when given None)."""
        params = {"q": self.query, **self.filters, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v})

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
            (f"{LABELS[name]}: {choice_labels.get((name, value), value)}", self.url(**{name: None}))
            for name, value in self.filters.items()
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

    def choice(self, parameter, value, label, count):
        selected = self.filters.get(parameter) == value
        url = self.url(**{parameter: None if selected else value})
        return Choice(value, label, count, url, selected)

    def level_facet(self):
        counts = dict(
            self.poses(ignoring="level")
            .order_by()
            .values_list("level")
            .annotate(count=Count("pk", distinct=True))
        )
        return Facet(
            "level",
            LABELS["level"],
            [
                self.choice("level", level, label, counts.get(level, 0))
                for level, label in Level.choices
            ],
        )

    def vocabulary_facet(self, parameter, model, poses_relation):
        matching = self.poses(ignoring=parameter).values("pk")
        terms = model.objects.annotate(
            count=Count(poses_relation, filter=Q(**{f"{poses_relation}__in": matching}))
        ).filter(count__gt=0)
        return Facet(
            parameter,
            LABELS[parameter],
            [self.choice(parameter, term.slug, term.name, term.count) for term in terms],
        )

    @property
    def safe_for_condition(self):
        """The condition `?safe_for=` names, if the library knows it."""
        slug = self.filters.get("safe_for")
        return Condition.objects.filter(slug=slug).first() if slug else None

    def safe_for_facet(self):
        """Each condition, with how many poses are left once those to avoid are hidden: by a
        pose's own note, or else by the studio's guidance for one of its pose types."""
        matching = self.poses(ignoring="safe_for").values("pk")
        own = {}  # (pose, condition) -> the kinds of the pose's own notes
        for pose_id, condition_id, kind in SafetyNote.conditions.through.objects.filter(
            safetynote__pose__in=matching
        ).values_list("safetynote__pose_id", "condition_id", "safetynote__kind"):
            own.setdefault((pose_id, condition_id), set()).add(kind)
        avoided_by_type = {}  # pose type -> the conditions its guidance says to avoid
        for condition_id, pose_type_id in ConditionGuidance.objects.filter(
            kind=SafetyNote.Kind.AVOID
        ).values_list("condition_id", "pose_type_id"):
            avoided_by_type.setdefault(pose_type_id, set()).add(condition_id)
        avoided = {}  # condition -> poses to avoid
        for pose_id, condition_id in own:
            if SafetyNote.Kind.AVOID in own[pose_id, condition_id]:
                avoided.setdefault(condition_id, set()).add(pose_id)
        for pose_id, pose_type_id in Pose.pose_types.through.objects.filter(
            pose__in=matching, posetype_id__in=avoided_by_type
        ).values_list("pose_id", "posetype_id"):
            for condition_id in avoided_by_type[pose_type_id]:
                if (pose_id, condition_id) not in own:
                    avoided.setdefault(condition_id, set()).add(pose_id)
        total = matching.count()
        return Facet(
            "safe_for",
            LABELS["safe_for"],
            [
                self.choice("safe_for", c.slug, c.name, total - len(avoided.get(c.pk, ())))
                for c in Condition.objects.all()
            ],
        )
