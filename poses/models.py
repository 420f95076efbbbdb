from datetime import timedelta
from difflib import get_close_matches

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Exists, F, Prefetch, Q, Value, When
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFit
from markdownx.models import MarkdownxField

from poses.figures import validate_figure
from poses.fulltext import matching_ids, names_with_a_word_starting, postgresql_setting
from poses.search import (
    plain_words,
    pose_search_fields,
    pose_typo_keys,
    query_spans,
    query_terms,
    search_key,
    typo_probes,
)
from poses.validators import (
    MAX_NAME_LENGTH,
    MAX_OTHER_NAMES,
    validate_name,
    validate_other_names,
)
from studio.durations import format_duration
from studio.images import random_image_name
from studio.markdown import MAX_MARKDOWN_LENGTH
from studio.publishing import Publishable, PublishableQuerySet, published_filter
from studio.transactions import on_commit_once

# How alike (pg_trgm word similarity, 0 to 1) names must be to be compared with a miss.
SUGGESTION_SIMILARITY = 0.3
CLOSE_SIMILARITY = 0.5  # tried first: few names, found through the trigram index
CANDIDATES = 100  # names compared with a miss (difflib), at most

# Safety content is checked against current teaching at least this often.
SAFETY_REVIEW_DAYS = 365


class Level(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class BreathCue(models.TextChoices):
    INHALE = "inhale", "Inhale"
    EXHALE = "exhale", "Exhale"
    HOLD = "hold", "Hold the breath"


class Side(models.TextChoices):
    LEFT = "left", "Left side"
    RIGHT = "right", "Right side"


class SlugNamedManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Vocabulary(models.Model):
    """A short named term that poses are tagged with and students filter by."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    objects = SlugNamedManager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class PoseType(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = "pose type"

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name as students read it. A name written like a slug in title case, as the
        first fixture has them ("Forward-Bend"), reads as words ("Forward bend")."""
        words = self.name.split("-")
        if len(words) < 2 or not all(word.isalpha() and word.istitle() for word in words):
            return self.name
        return " ".join([words[0], *(word.lower() for word in words[1:])])


class Style(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = "style of yoga"
        verbose_name_plural = "styles of yoga"


class BodyArea(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = "body area"


class Condition(Vocabulary):
    """A health condition a safety note concerns (knee injury, pregnancy, asthma …)."""

    claim_words = models.TextField(
        "words of a claim to help it",
        blank=True,
        help_text="Words a benefit would use to claim it helps this condition, one per line "
        "(for asthma: respiratory, breathing, lungs). The admin warns when a pose to avoid "
        "with the condition claims such a benefit. The condition's name always counts.",
    )

    def claim_words_list(self):
        words = [self.name, *self.claim_words.splitlines()]
        return [word.strip().lower() for word in words if word.strip()]


class SynonymQuerySet(models.QuerySet):
    def mapping(self):
        """{the words students type: [what to look for as well]}, for poses/search.py."""
        mapping = {}
        for synonym in self:
            if words := tuple(plain_words(synonym.words)):
                mapping.setdefault(words, []).extend(synonym.alternatives_list())
        return mapping


class Synonym(models.Model):
    """Words students type for what the library says otherwise (plough for plow)."""

    words = models.CharField(
        "when students search for",
        max_length=80,
        unique=True,
        help_text="A word or a few words, as students type them, e.g. “plough” or “sun "
        "salutation”.",
    )
    alternatives = models.CharField(
        "also look for",
        max_length=300,
        help_text="What the library may say instead, separated by commas, e.g. “plow” or "
        "“surya namaskar”. Poses with either are found.",
    )

    objects = SynonymQuerySet.as_manager()

    class Meta:
        ordering = ["words"]

    def __str__(self):
        return f"{self.words} → {self.alternatives}"

    def alternatives_list(self):
        return [word.strip() for word in self.alternatives.split(",") if word.strip()]


def search_matches(query, *, synonyms, match_all=True):
    """The ids of the poses PoseQuerySet.search() finds, unranked (for counting them): one
    UNION ALL of lookups, each through its own index (the keys, the typo table, the
    full-text index), so only matching poses are read, never the library row by row."""
    key = search_key(query)
    spans = query_spans(query)
    found = [
        Pose.objects.filter(part).order_by().values("pk")
        for part in (
            Q(english_key=key),
            Q(sanskrit_key=key),
            Q(english_key__in=spans),
            Q(sanskrit_key__in=spans),
        )
    ]
    found.append(SearchKey.objects.filter(key__in=typo_probes(key)).order_by().values("pose"))
    if terms := query_terms(query, synonyms):
        found.append(
            Pose.objects.filter(pk__in=matching_ids(terms, match_all=match_all))
            .order_by()
            .values("pk")
        )
    return found[0].union(*found[1:], all=True)


def names_and_typos(query):
    """The poses a query names, in two sets: (those with its key or a span of it as their
    English or Sanskrit name, those with a name one typo away). Two indexed lookups."""
    key = search_key(query)
    spans = query_spans(query)
    names = Q(english_key=key) | Q(sanskrit_key=key)
    if spans:
        names |= Q(english_key__in=spans) | Q(sanskrit_key__in=spans)
    by_name = set(Pose.objects.filter(names).order_by().values_list("pk", flat=True))
    typo = set(
        SearchKey.objects.filter(key__in=typo_probes(key))
        .order_by()
        .values_list("pose_id", flat=True)
        .distinct()
    )
    return by_name, typo


# search()'s tiers from this one on: poses found by their tags, then by their text.
TAGS_TIER = 6


def rank_names(query, poses, *, synonyms, typo, in_names, tagged):
    """search()'s order of `poses`, worked out in memory from what a list has read already
    (poses/browse.py): the same tiers and, within a tier, the same name signals, where
    search() asks the database to compute them (and so builds, compiles and runs a query
    of three full-text subqueries again, 10 ms a search at 10,000 poses).

    `poses`: (id, English key, Sanskrit key, other names' keys, English name's length,
    Sanskrit name's length) in the list's order (Sanskrit name, then id): search()'s last
    tie-break. The sets are the full-text and typo lookups' answers (fulltext.word_sets(),
    names_and_typos()). Returns [(id, tier)], best first; tests/test_facet_index.py
    compares it with search()."""
    key = search_key(query)
    spans = set(query_spans(query))
    has_terms = bool(query_terms(query, synonyms))
    whole_other, other_start = f"|{key}|", f"|{key}"

    def tier(pk, english, sanskrit, others):
        exact = key in (english, sanskrit)
        if not has_terms:  # only stop words: names alone can match
            return 0 if exact else 4 if pk in typo else 5
        if exact or whole_other in others:
            return 0
        if pk in in_names:
            if english.startswith(key) or sanskrit.startswith(key):
                return 1
            return 2 if other_start in others else 3
        if pk in typo:
            return 4
        if english in spans or sanskrit in spans:
            return 5
        return TAGS_TIER if pk in tagged else TAGS_TIER + 1

    ranked = []
    for place, (pk, english, sanskrit, others, english_length, sanskrit_length) in enumerate(poses):
        if english.startswith(key) or sanskrit.startswith(key):
            name_match = 0
        elif key in english or key in sanskrit:
            name_match = 1
        else:
            name_match = 2
        length = english_length if key in english else sanskrit_length if key in sanskrit else 0
        ranked.append((tier(pk, english, sanskrit, others), name_match, length, place, pk))
    ranked.sort()
    return [(pk, tier) for tier, *_, pk in ranked]


NAME_RELEVANCE = ("name_match", "name_length")


def name_relevance(key):
    """Cheap signals of how well a pose's English or Sanskrit name meets the query's key,
    for ordering within a tier: where the key is in the name (0 at its start, 1 inside it,
    2 not there) and how long that name is (0 when not there). Plain column comparisons,
    independent of the tier, so the database computes the tier's subqueries once."""
    starts = Q(english_key__startswith=key) | Q(sanskrit_key__startswith=key)
    inside = Q(english_key__contains=key) | Q(sanskrit_key__contains=key)
    return {
        "name_match": Case(When(starts, then=0), When(inside, then=1), default=2),
        "name_length": Case(
            When(english_key__contains=key, then=Length("english_name")),
            When(sanskrit_key__contains=key, then=Length("sanskrit_name")),
            default=0,
        ),
    }


def guidance_says(kind, condition_slug):
    """The poses whose guidance for the condition includes a note of this kind: one of the
    pose's own notes, or, when none of them speaks of the condition, the studio's guidance
    for one of its pose types. Two uncorrelated sets of ids, each computed once."""
    own_notes = SafetyNote.objects.filter(conditions__slug=condition_slug)
    by_type = (
        Pose.pose_types.through.objects.filter(
            posetype__condition_guidance__condition__slug=condition_slug,
            posetype__condition_guidance__kind=kind,
        )
        .exclude(pose_id__in=own_notes.values("pose_id"))
        .values("pose_id")
    )
    return Q(pk__in=own_notes.filter(kind=kind).values("pose_id")) | Q(pk__in=by_type)


# What a pose card shows (templates/includes/pose_card.html), besides its pose types.
CARD_FIELDS = ("slug", "sanskrit_name", "english_name", "summary", "level", "figure")
# What a link to another pose shows (its names, its address) and whether it is public.
LINKED_POSE_FIELDS = ("slug", "sanskrit_name", "english_name", "status", "published_at")


def own_fields(model):
    return [field.name for field in model._meta.concrete_fields]


def with_linked_pose(rows, relation, *whole):
    """`rows` with their own fields and, of the pose `relation` points to, only what a link
    to it shows (LINKED_POSE_FIELDS; and the `whole` rows of other relations): a pose has 33
    columns, its search text among them, and building, reading and converting every one of
    each linked pose was most of a pose page's work."""
    also = [
        f"{name}__{field}"
        for name in whole
        for field in own_fields(rows.model._meta.get_field(name).related_model)
    ]
    return rows.select_related(relation, *whole).only(
        *own_fields(rows.model), *(f"{relation}__{name}" for name in LINKED_POSE_FIELDS), *also
    )


class PoseQuerySet(PublishableQuerySet):
    def for_cards(self):
        """Just what a pose card shows."""
        return self.only(*CARD_FIELDS).prefetch_related("pose_types")

    def search(self, query, *, synonyms=None, match_all=True):
        """Poses matching the query's words or one of their names in any spelling, best
        match first (see poses/search.py and poses/fulltext.py).

        Tiers: 0 an exact name, 1 a name starting with the query, 2 another name starting
        with it, 3 every word in the names, 4 a name one typo away, 5 a whole name within a
        longer query ("Ardha Paschimottanasana" also finds Paschimottanasana), 6 every word
        in the names and tags (a type, a body area, the level), 7 every word somewhere in
        the text too. Within a tier, the query in the English or Sanskrit name comes before
        the query only in another name (or the text), its start before its middle, and a
        short name before a long one ("tree": Tree Pose before Triangle Pose); then
        alphabetical. These are column comparisons, computed for the matches only, not a
        score per row of the library.
        With match_all=False, any word is enough (for when no pose has them all). The
        list ranks in memory in the same order (rank_names()), where the facet index is.
        """
        key = search_key(query)
        if not key:
            return self.none()
        if synonyms is None:
            synonyms = Synonym.objects.mapping()
        terms = query_terms(query, synonyms)
        exact = Q(english_key=key) | Q(sanskrit_key=key)
        typo = Q(pk__in=SearchKey.objects.filter(key__in=typo_probes(key)).values("pose_id"))
        spans = query_spans(query)
        name_within_query = Q(english_key__in=spans) | Q(sanskrit_key__in=spans)
        found = search_matches(query, synonyms=synonyms, match_all=match_all)
        if not terms:  # only stop words: names alone can match
            return (
                self.filter(pk__in=found)
                .annotate(match_tier=Case(When(exact, then=0), When(typo, then=4), default=5))
                .annotate(**name_relevance(key))
                .order_by("match_tier", *NAME_RELEVANCE, "sanskrit_name", "pk")
            )
        in_names = Q(pk__in=matching_ids(terms, columns=["search_names"], match_all=match_all))
        in_tags = Q(
            pk__in=matching_ids(terms, columns=["search_names", "search_tags"], match_all=match_all)
        )
        tiers = [
            exact | Q(other_name_keys__contains=f"|{key}|"),
            in_names & (Q(english_key__startswith=key) | Q(sanskrit_key__startswith=key)),
            in_names & Q(other_name_keys__contains=f"|{key}"),
            in_names,
            typo,
            name_within_query,
            in_tags,
        ]
        match_tier = Case(
            *(When(tier, then=rank) for rank, tier in enumerate(tiers)), default=len(tiers)
        )
        return (
            self.filter(pk__in=found)
            .annotate(match_tier=match_tier)
            .annotate(**name_relevance(key))
            .order_by("match_tier", *NAME_RELEVANCE, "sanskrit_name", "pk")
        )

    def closest_to(self, query, limit=3):
        """The public poses whose name, or a word of one, is spelled most like the query
        (difflib).

        Candidates: on PostgreSQL the names most alike by trigrams (pg_trgm); on SQLite the
        first public poses, in the order they were added (the studio's own first), of the
        first CANDIDATES with a word of their names starting with the query's first two
        letters (from the full-text index)."""
        key = search_key(query)
        if len(key) < 3:
            return []
        fields = ("english_name", "sanskrit_name", "slug", "english_key", "sanskrit_key")

        def closest_of(found):
            candidates = {}
            for pose in found:
                for name in (pose.english_key, pose.sanskrit_key, *pose.search_names.split()):
                    if len(name) >= 3:
                        candidates.setdefault(name, pose)
            closest = get_close_matches(key, candidates, n=limit * 2, cutoff=0.6)
            return list(dict.fromkeys(candidates[k] for k in closest))[:limit]

        if connection.vendor != "postgresql":
            # Read by id and checked public here: asked for the public ones with such a word,
            # SQLite (no statistics) walked every published pose through the status-led list
            # index, and the full-text index gave every such pose: a miss read more the
            # larger the library (5-10 ms at 10,000 poses). Sorted by name, every pose with
            # such a word was read first.
            found = (
                self.model.objects.filter(pk__in=names_with_a_word_starting(key[:2], CANDIDATES))
                .only(*fields, "search_names", "status", "published_at")
                .order_by("pk")
            )
            return closest_of([pose for pose in found if pose.is_published])
        # `%>` (word similarity at least the threshold) is answered by the trigram index. The
        # names most alike first; only if none of them is close, the wider circle (Sanskrit
        # names share many trigrams: at 10,000 poses a third of them are 0.3 alike to any).
        words = " ".join(plain_words(query))
        poses = (
            self.published()
            .filter(TrigramWordSimilar(F("search_names"), words))
            .annotate(similarity=TrigramWordSimilarity(words, "search_names"))
            .order_by("-similarity", "pk")
            .only(*fields, "search_names")
        )
        closest = []
        for threshold in (CLOSE_SIMILARITY, SUGGESTION_SIMILARITY):
            with postgresql_setting("pg_trgm.word_similarity_threshold", threshold):
                closest = closest_of(list(poses[:100]))
            if closest:
                break
        return closest

    def for_level(self, level):
        return self.filter(level=level)

    def of_type(self, pose_type_slug):
        return self.filter(pose_types__slug=pose_type_slug)

    def in_style(self, style_slug):
        return self.filter(styles__slug=style_slug)

    def stretching(self, body_area_slug):
        return self.filter(stretches__slug=body_area_slug)

    def strengthening(self, body_area_slug):
        return self.filter(strengthens__slug=body_area_slug)

    def working_on(self, body_area_slug):
        """Poses that stretch or strengthen a body area: two sets of ids, each built once
        (not a subquery per pose)."""
        return self.filter(
            Q(
                pk__in=Pose.stretches.through.objects.filter(bodyarea__slug=body_area_slug).values(
                    "pose_id"
                )
            )
            | Q(
                pk__in=Pose.strengthens.through.objects.filter(
                    bodyarea__slug=body_area_slug
                ).values("pose_id")
            )
        )

    def safe_for(self, *condition_slugs):
        """Hide the poses to avoid with any of the conditions; say how each other pose stands.

        `safety_guidance` is the strictest guidance for the conditions: the pose's own notes,
        or else the studio's guidance for its pose types ("avoid", "modify", "caution"); None
        where nothing here speaks of them, which is not the same as safe.

        Each kind of guidance is one set of pose ids per condition, computed once by the
        database (not a subquery per pose), so the cost grows with the notes, not as their
        product with the poses.
        """
        slugs = sorted(set(condition_slugs))
        if not slugs:
            return self
        poses = self
        for slug in slugs:
            # Safe for a condition nobody wrote about is nothing we can vouch for.
            poses = poses.filter(Exists(Condition.objects.filter(slug=slug))).exclude(
                guidance_says(SafetyNote.Kind.AVOID, slug)
            )
        return poses.annotate(
            safety_guidance=Case(
                *(
                    When(guidance_says(kind, slug), then=Value(kind))
                    for kind in (SafetyNote.Kind.MODIFY, SafetyNote.Kind.CAUTION)
                    for slug in slugs
                ),
                default=None,
                output_field=models.CharField(),
            )
        )

    @staticmethod
    def link_prefetches(published_only):
        """A pose's four lists of linked poses, each in its own order; to published poses
        only for the public pages, so a draft never leaks."""

        def linked(field):
            return published_filter(f"{field}__") if published_only else Q()

        return [
            Prefetch(
                "preparatory_links",
                with_linked_pose(
                    PoseLink.objects.filter(linked("preparatory")), "preparatory"
                ).order_by("position_among_preparatory", "pk"),
            ),
            Prefetch(
                "follow_up_links",
                with_linked_pose(
                    PoseLink.objects.filter(linked("follow_up")), "follow_up"
                ).order_by("position_among_follow_ups", "pk"),
            ),
            Prefetch(
                "counterpose_links",
                with_linked_pose(Counterpose.objects.filter(linked("counterpose")), "counterpose"),
            ),
            Prefetch(
                "related_links",
                with_linked_pose(RelatedPose.objects.filter(linked("related")), "related"),
            ),
        ]

    def for_guidance(self):
        """What a pose's safety guidance reads (poses/safety.py): its notes, and the
        studio's guidance for its pose types."""
        return self.only("slug", "sanskrit_name", "english_name").prefetch_related(
            *self.guidance_prefetches()
        )

    @staticmethod
    def guidance_prefetches():
        return [
            "pose_types",
            Prefetch(
                "pose_types__condition_guidance",
                with_linked_pose(ConditionGuidance.objects.all(), "substitute", "condition"),
            ),
            Prefetch(
                "safety_notes",
                with_linked_pose(SafetyNote.objects.all(), "substitute").prefetch_related(
                    "conditions"
                ),
            ),
        ]

    def for_pose_page(self):
        """Everything the pose page shows, in a fixed number of queries: the pose without
        its search fields, the poses it links to with what a link shows. Its styles and body
        areas come from the facet index (Pose.page_terms), or one query each."""
        page_fields = [name for name in own_fields(Pose) if name not in Pose.SEARCH_FIELDS]
        return (
            self.select_related("starting_position")
            .only(*page_fields, *(f"starting_position__{name}" for name in LINKED_POSE_FIELDS))
            .prefetch_related(
                *self.guidance_prefetches(),
                "steps",
                "benefits",
                *self.link_prefetches(published_only=True),
            )
        )


def rendition(width, image_format):
    return ImageSpecField(
        source="image",
        processors=[ResizeToFit(width, upscale=False)],
        format=image_format,
        options={"quality": 82},
    )


class PoseManager(models.Manager.from_queryset(PoseQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Pose(Publishable):
    english_name = models.CharField(
        validators=[validate_name],
        max_length=120,
        help_text="The name most students know, e.g. “Head to Knee Pose”.",
    )
    sanskrit_name = models.CharField(
        validators=[validate_name],
        max_length=120,
        unique=True,
        help_text="As one word, the way the studio writes it, e.g. “Janusirsasana”.",
    )
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The pose's web address: /poses/&lt;slug&gt;/. Filled in from the Sanskrit name.",
    )
    pronunciation = models.CharField(
        max_length=120, blank=True, help_text="Spoken syllables, e.g. “JAH-new shear-SHAHS-anna”."
    )
    meaning = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the name means, word by word: ‘Janu’ means ‘knee’ …",
    )
    other_names = models.TextField(
        blank=True,
        validators=[validate_other_names],
        help_text=(
            "Other names and spellings students may search for, one per line "
            f"(at most {MAX_OTHER_NAMES}, each up to {MAX_NAME_LENGTH} characters)."
        ),
    )
    pose_types = models.ManyToManyField(PoseType, blank=True, related_name="poses")
    level = models.CharField(max_length=20, choices=Level, default=Level.BEGINNER)
    styles = models.ManyToManyField(Style, blank=True, related_name="poses")
    stretches = models.ManyToManyField(
        BodyArea,
        blank=True,
        related_name="stretched_by",
        help_text="Body areas the pose stretches.",
    )
    strengthens = models.ManyToManyField(
        BodyArea,
        blank=True,
        related_name="strengthened_by",
        help_text="Body areas the pose strengthens.",
    )
    hold_min_seconds = models.PositiveIntegerField(
        "shortest hold (seconds)", null=True, blank=True, help_text="e.g. 30"
    )
    hold_max_seconds = models.PositiveIntegerField(
        "longest hold (seconds)", null=True, blank=True, help_text="e.g. 180 for three minutes."
    )
    summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two plain sentences shown on pose cards and in search results.",
    )
    introduction = MarkdownxField(
        max_length=MAX_MARKDOWN_LENGTH,
        validators=[MaxLengthValidator(MAX_MARKDOWN_LENGTH)],
        blank=True,
        help_text="Where the name comes from, what the pose is and who it suits. Markdown.",
    )
    introduction_html = models.TextField(blank=True, editable=False)
    practice_time = MarkdownxField(
        "when to practise",
        max_length=MAX_MARKDOWN_LENGTH,
        validators=[MaxLengthValidator(MAX_MARKDOWN_LENGTH)],
        blank=True,
        help_text="The best time of day and how long after a meal. Markdown.",
    )
    practice_time_html = models.TextField(blank=True, editable=False)
    closing_notes = MarkdownxField(
        "good to know",
        max_length=MAX_MARKDOWN_LENGTH,
        validators=[MaxLengthValidator(MAX_MARKDOWN_LENGTH)],
        blank=True,
        help_text="Closing remarks: common misunderstandings, what the pose works on. Markdown.",
    )
    closing_notes_html = models.TextField(blank=True, editable=False)
    image = models.ImageField(
        upload_to=random_image_name,
        blank=True,
        help_text="A photo of the pose (JPEG, PNG, WebP or GIF). Smaller copies are made for "
        "phones and fast pages.",
    )
    # Renditions, made once on first use and kept: WebP for browsers that take it, JPEG else.
    image_small_webp = rendition(640, "WEBP")
    image_large_webp = rendition(1280, "WEBP")
    image_small_jpeg = rendition(640, "JPEG")
    image_large_jpeg = rendition(1280, "JPEG")
    image_alt = models.CharField(
        "image description",
        max_length=250,
        blank=True,
        help_text="Required with an image: describe the pose as shown, for screen readers.",
    )
    figure = models.JSONField(
        null=True,
        blank=True,
        validators=[validate_figure],
        help_text="The figure drawn for this pose: drag its joints on the canvas, or start "
        "from another pose's figure. Stored as JSON (see docs/figures.md).",
    )
    starting_position = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="started_from",
        help_text="The pose this one is entered from, e.g. Dandasana for seated forward "
        "bends. Not a preparatory pose: it is where the first step begins.",
    )
    safety_reviewed_at = models.DateField(
        "safety content reviewed on",
        null=True,
        blank=True,
        help_text="When a teacher last checked the precautions, substitutes and benefits "
        "against current teaching.",
    )
    safety_reviewed_by = models.CharField(
        "safety content reviewed by",
        max_length=120,
        blank=True,
        help_text="Who did that review, as students see it.",
    )
    # status and published_at: see studio/publishing.py.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Search keys and words (see poses/search.py), kept up to date by index_for_search();
    # the database indexes the words for full-text search (poses/fulltext.py).
    english_key = models.CharField(max_length=120, blank=True, editable=False, db_index=True)
    sanskrit_key = models.CharField(max_length=120, blank=True, editable=False, db_index=True)
    other_name_keys = models.TextField(blank=True, editable=False)
    search_names = models.TextField(blank=True, editable=False)
    search_tags = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    SEARCH_FIELDS = (
        "english_key",
        "sanskrit_key",
        "other_name_keys",
        "search_names",
        "search_tags",
        "search_text",
    )
    MARKDOWN_FIELDS = ("introduction", "practice_time", "closing_notes")

    objects = PoseManager()

    class Meta:
        ordering = ["sanskrit_name"]
        indexes = [
            Publishable.public_index("pose_public"),
            # The list: the published poses in alphabetical order, and its counts by level,
            # without reading a pose's row.
            models.Index(
                fields=["status", "sanskrit_name", "published_at", "level"],
                name="pose_published_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="pose_hold_min_not_above_max",
                violation_error_message=(
                    "The longest hold cannot be shorter than the shortest hold."
                ),
                condition=Q(hold_min_seconds__isnull=True)
                | Q(hold_max_seconds__isnull=True)
                | Q(hold_min_seconds__lte=F("hold_max_seconds")),
            ),
            models.CheckConstraint(
                name="pose_not_its_own_starting_position",
                violation_error_message="A pose cannot be its own starting position.",
                condition=~Q(starting_position=F("pk")),
            ),
            models.CheckConstraint(
                name="pose_image_has_alt_text",
                violation_error_message="Describe the image for students who cannot see it.",
                condition=Q(image="") | ~Q(image_alt=""),
            ),
        ]

    def __str__(self):
        return f"{self.sanskrit_name} ({self.english_name})"

    @cached_property
    def card_types(self):
        """Its pose types' labels, by name, as its card shows them: from pose_types (which
        for_cards() prefetches), unless the list set them from the facet index."""
        return [pose_type.label for pose_type in self.pose_types.all()]

    # The vocabularies a pose page names in its basics table: facet index parameter ->
    # many-to-many field.
    PAGE_TERMS = {"style": "styles", "stretches": "stretches", "strengthens": "strengthens"}

    @cached_property
    def page_terms(self):
        """Its styles and the body areas it stretches and strengthens, labels by name, as its
        page shows them: from the database, unless the page set them from the facet index."""
        return {
            parameter: [str(term) for term in getattr(self, relation).all()]
            for parameter, relation in self.PAGE_TERMS.items()
        }

    def get_absolute_url(self):
        return reverse("poses:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if (
            self.hold_min_seconds is not None
            and self.hold_max_seconds is not None
            and self.hold_min_seconds > self.hold_max_seconds
        ):
            raise ValidationError(
                {"hold_max_seconds": "The longest hold cannot be shorter than the shortest hold."}
            )
        if self.pk and self.starting_position_id == self.pk:
            raise ValidationError(
                {"starting_position": "A pose cannot be its own starting position."}
            )
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": "Describe the image for students who cannot see it."}
            )

    @property
    def image_small_size(self):
        """Width and height of the small rendition, so the page keeps its place for it."""
        try:
            original_width, original_height = self.image.width, self.image.height
        except (ValueError, OSError):  # no image, or its file is missing
            return None
        width = min(640, original_width)
        return {"width": width, "height": round(original_height * width / original_width)}

    def other_names_list(self):
        return [name.strip() for name in self.other_names.splitlines() if name.strip()]

    def hold_range(self):
        """The hold as a teacher would say it: “30 seconds to 3 minutes”."""
        low, high = self.hold_min_seconds, self.hold_max_seconds
        if low is None and high is None:
            return ""
        if low is None or high is None or low == high:
            return format_duration(low if high is None else high)
        return f"{format_duration(low)} to {format_duration(high)}"

    def preparatory_poses(self):
        return [link.preparatory for link in self.preparatory_links.all()]

    def follow_up_poses(self):
        return [link.follow_up for link in self.follow_up_links.all()]

    def counterposes(self):
        return [link.counterpose for link in self.counterpose_links.all()]

    def safety_review_due(self, today=None):
        """Never reviewed, or last reviewed more than a year ago."""
        today = today or timezone.localdate()
        reviewed = self.safety_reviewed_at
        return reviewed is None or reviewed < today - timedelta(days=SAFETY_REVIEW_DAYS)

    def index_for_search(self):
        """Recompute the search keys and words from the names, tags, summary, benefits and
        steps, as stored now."""
        names = [self.english_name, self.sanskrit_name, *self.other_names_list()]
        step_texts = [
            text
            for step in Step.objects.filter(pose=self).values_list("title", "instruction")
            for text in step
        ]

        def tag_names(relation):
            model_name = relation.field.related_model._meta.model_name
            return list(
                relation.through.objects.filter(pose=self.pk).values_list(
                    f"{model_name}__name", flat=True
                )
            )

        fields = pose_search_fields(
            self.english_name,
            self.sanskrit_name,
            self.other_names_list(),
            self.summary,
            step_texts,
            meaning=self.meaning,
            # Only physical effects: a traditional claim is nothing to find a pose by.
            benefits=list(
                Benefit.objects.filter(pose=self.pk, kind=Benefit.Kind.PHYSICAL).values_list(
                    "text", flat=True
                )
            ),
            tags={
                "pose_types": tag_names(Pose.pose_types),
                "styles": tag_names(Pose.styles),
                "stretches": tag_names(Pose.stretches),
                "strengthens": tag_names(Pose.strengthens),
                "level": Level(self.level).label if self.level in Level.values else "",
            },
        )
        with transaction.atomic():
            Pose.objects.filter(pk=self.pk).update(**fields)
            SearchKey.objects.filter(pose=self).delete()
            SearchKey.objects.bulk_create(
                SearchKey(pose=self, key=key) for key in pose_typo_keys(names)
            )


def index_after_commit(pose_id):
    """Re-index a pose once its transaction commits, once however many of its rows changed
    (a receiver for Pose and Step saves, connected in PosesConfig.ready())."""

    def reindex():
        # Deleted meanwhile (a step deleted with its pose): nothing to index.
        if pose := Pose.objects.filter(pk=pose_id).first():
            pose.index_for_search()

    on_commit_once(("index_for_search", pose_id), reindex)


def index_saved_pose(sender, instance, **kwargs):
    index_after_commit(instance.pk)


def index_pose_of_step(sender, instance, **kwargs):
    index_after_commit(instance.pose_id)


def index_pose_of_benefit(sender, instance, **kwargs):
    index_after_commit(instance.pose_id)


def index_poses_of_changed_tags(sender, instance, action, reverse, pk_set, **kwargs):
    """A pose's types, styles or body areas changed: from the pose, or from a tag's side."""
    if action in ("post_add", "post_remove", "post_clear"):
        for pose_id in (pk_set or ()) if reverse else (instance.pk,):
            index_after_commit(pose_id)


def index_poses_of_renamed_tag(sender, instance, created, raw, **kwargs):
    if created or raw:
        return
    for relation in (Pose.pose_types, Pose.styles, Pose.stretches, Pose.strengthens):
        if relation.field.related_model is sender:
            tagged = relation.through.objects.filter(**{sender._meta.model_name: instance})
            for pose_id in tagged.values_list("pose_id", flat=True):
                index_after_commit(pose_id)


class SearchKey(models.Model):
    """A spelling one letter away from a pose's name (or from a long word of it)."""

    pose = models.ForeignKey(Pose, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pose", "key"], name="search_key_unique_per_pose"),
        ]
        # A typo lookup reads the poses of a few keys from the index alone: a word common
        # to thousands of names ("extended") has thousands of rows per key, and reading
        # each row for its pose took 23 ms at 10,000 poses (2 ms from the index).
        indexes = [models.Index(fields=["key", "pose"], name="search_key_poses_idx")]

    def __str__(self):
        return self.key


class PoseChildManager(models.Manager):
    """Children of a pose are known by the pose's slug and their position in it."""

    def get_by_natural_key(self, pose_slug, position):
        return self.get(pose__slug=pose_slug, position=position)


class Step(models.Model):
    pose = models.ForeignKey(Pose, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(
        max_length=120, help_text="A short command, e.g. “Bend your right knee”."
    )
    instruction = MarkdownxField(
        max_length=MAX_MARKDOWN_LENGTH,
        validators=[MaxLengthValidator(MAX_MARKDOWN_LENGTH)],
        help_text="What to do, as you would say it in class: placement, alignment, breath.",
    )
    instruction_html = models.TextField(blank=True, editable=False)
    breath_cue = models.CharField(
        max_length=10,
        choices=BreathCue,
        blank=True,
        help_text="The breath that goes with this movement, if one does.",
    )
    side = models.CharField(
        max_length=10, choices=Side, blank=True, help_text="Only for a step done on one side."
    )
    figure = models.JSONField(
        null=True,
        blank=True,
        validators=[validate_figure],
        help_text="Only where a picture helps: the body at this step (leave empty for none).",
    )

    MARKDOWN_FIELDS = ("instruction",)

    objects = PoseChildManager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["pose", "position"], name="step_unique_position"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.pose.slug, self.position)

    natural_key.dependencies = ["poses.pose"]


class Benefit(models.Model):
    class Kind(models.TextChoices):
        PHYSICAL = "physical", "Physical effect"
        TRADITIONAL = "traditional", "Traditional claim"

    pose = models.ForeignKey(Pose, on_delete=models.CASCADE, related_name="benefits")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(
        max_length=12,
        choices=Kind,
        default=Kind.PHYSICAL,
        help_text="Physical effect: what the body does in the pose (stretches the hamstrings). "
        "Traditional claim: what yoga tradition says it helps (digestion, an organ, a "
        "disease); students see it marked as not established medical advice.",
    )
    text = MarkdownxField(
        max_length=MAX_MARKDOWN_LENGTH,
        validators=[MaxLengthValidator(MAX_MARKDOWN_LENGTH)],
        help_text="One benefit, stated modestly. Markdown.",
    )
    text_html = models.TextField(blank=True, editable=False)

    MARKDOWN_FIELDS = ("text",)

    objects = PoseChildManager()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.text[:60]

    @property
    def is_traditional(self):
        return self.kind == self.Kind.TRADITIONAL

    def natural_key(self):
        return (self.pose.slug, self.position)

    natural_key.dependencies = ["poses.pose"]


class SafetyNote(models.Model):
    class Kind(models.TextChoices):
        AVOID = "avoid", "Avoid"
        MODIFY = "modify", "Modify"
        CAUTION = "caution", "Caution"

    pose = models.ForeignKey(Pose, on_delete=models.CASCADE, related_name="safety_notes")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(
        max_length=10,
        choices=Kind,
        default=Kind.CAUTION,
        help_text="Avoid: do not practise. Modify: practise with the change described. "
        "Caution: practise with care.",
    )
    text = MarkdownxField(
        max_length=MAX_MARKDOWN_LENGTH,
        validators=[MaxLengthValidator(MAX_MARKDOWN_LENGTH)],
        help_text="Who should take care, and why. Markdown.",
    )
    text_html = models.TextField(blank=True, editable=False)
    conditions = models.ManyToManyField(
        Condition,
        blank=True,
        related_name="safety_notes",
        help_text="The conditions this note concerns, so students can filter by them.",
    )
    substitute = models.ForeignKey(
        Pose,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitute_for_notes",
        help_text="A pose to practise instead, if there is one.",
    )
    no_substitute = models.BooleanField(
        "skip it: no substitute",
        default=False,
        help_text="For a note to avoid the pose when no other pose is safe instead: the "
        "student is told to skip it and rest. An avoid note needs a substitute or this.",
    )

    MARKDOWN_FIELDS = ("text",)

    objects = PoseChildManager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                name="safety_note_substitute_is_another_pose",
                violation_error_message="A pose cannot be its own substitute.",
                condition=~Q(substitute=F("pose")),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def natural_key(self):
        return (self.pose.slug, self.position)

    natural_key.dependencies = ["poses.pose"]

    def clean(self):
        if self.substitute_id and self.substitute_id == self.pose_id:
            raise ValidationError({"substitute": "A pose cannot be its own substitute."})
        if self.kind == self.Kind.AVOID and not self.substitute_id and not self.no_substitute:
            raise ValidationError(
                {
                    "substitute": "A student told to avoid this pose needs to know what to do "
                    "instead: choose a substitute pose, or tick “skip it: no substitute”."
                }
            )

    @property
    def says_skip(self):
        return self.kind == self.Kind.AVOID and self.no_substitute


class ConditionGuidanceManager(models.Manager):
    def get_by_natural_key(self, condition_slug, pose_type_slug):
        return self.get(condition__slug=condition_slug, pose_type__slug=pose_type_slug)


class ConditionGuidance(models.Model):
    """Guidance for a condition that holds for every pose of a kind: glaucoma and
    inversions, pregnancy and prone poses. A pose's own note for the condition replaces it."""

    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="guidance_by_pose_type"
    )
    pose_type = models.ForeignKey(
        PoseType,
        on_delete=models.CASCADE,
        related_name="condition_guidance",
        help_text="Applies to every pose of this type, unless the pose has its own note for "
        "the condition.",
    )
    kind = models.CharField(
        max_length=10,
        choices=SafetyNote.Kind,
        default=SafetyNote.Kind.CAUTION,
        help_text=SafetyNote._meta.get_field("kind").help_text,
    )
    text = MarkdownxField(
        max_length=MAX_MARKDOWN_LENGTH,
        validators=[MaxLengthValidator(MAX_MARKDOWN_LENGTH)],
        help_text="What a student with this condition should do in poses of this type, and "
        "why. Markdown.",
    )
    text_html = models.TextField(blank=True, editable=False)
    substitute = models.ForeignKey(
        Pose,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitute_for_guidance",
        help_text="A pose to practise instead, if one suits every pose of this type.",
    )

    MARKDOWN_FIELDS = ("text",)

    objects = ConditionGuidanceManager()

    class Meta:
        ordering = ["condition__name", "pose_type__name"]
        verbose_name = "guidance for a kind of pose"
        verbose_name_plural = "guidance for kinds of pose"
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "pose_type"], name="condition_guidance_unique_pair"
            ),
        ]

    def __str__(self):
        return f"{self.condition} · {self.pose_type}: {self.get_kind_display()}"

    def natural_key(self):
        return (self.condition.slug, self.pose_type.slug)

    natural_key.dependencies = ["poses.condition", "poses.posetype"]

    @property
    def says_skip(self):
        return self.kind == SafetyNote.Kind.AVOID and self.substitute_id is None


class PoseLinkManager(models.Manager):
    def get_by_natural_key(self, preparatory_slug, follow_up_slug):
        return self.get(preparatory__slug=preparatory_slug, follow_up__slug=follow_up_slug)


class PoseLink(models.Model):
    """One directed fact, stored once: `preparatory` prepares the body for `follow_up`.

    The follow-up pose lists it as a preparatory pose; the preparatory pose lists the
    follow-up pose as a follow-up.
    """

    preparatory = models.ForeignKey(
        Pose,
        on_delete=models.CASCADE,
        related_name="follow_up_links",
        help_text="The pose practised first.",
    )
    follow_up = models.ForeignKey(
        Pose,
        on_delete=models.CASCADE,
        related_name="preparatory_links",
        help_text="The pose it prepares for.",
    )
    # Each list keeps its own order: dragging the follow-ups on one pose's page never
    # reorders the preparatory poses on another's.
    position_among_preparatory = models.PositiveIntegerField(
        default=0, help_text="Its place in the follow-up pose's list of preparatory poses."
    )
    position_among_follow_ups = models.PositiveIntegerField(
        default=0, help_text="Its place in the preparatory pose's list of follow-up poses."
    )
    reason = models.CharField(
        max_length=160,
        blank=True,
        help_text="Optional, one line: why it prepares, e.g. “Opens the hamstrings”.",
    )

    objects = PoseLinkManager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "preparatory link"
        constraints = [
            models.UniqueConstraint(
                fields=["preparatory", "follow_up"], name="pose_link_unique_pair"
            ),
            models.CheckConstraint(
                name="pose_link_not_to_itself",
                condition=~Q(preparatory=F("follow_up")),
                violation_error_message="A pose cannot prepare for itself.",
            ),
        ]

    def __str__(self):
        return f"{self.preparatory.sanskrit_name} prepares for {self.follow_up.sanskrit_name}"

    def save(self, *args, **kwargs):
        # A new link made outside a pose's ordered lists (bulk links, the links admin) goes
        # last in both.
        if self._state.adding:
            for field, end in (
                ("position_among_preparatory", "follow_up"),
                ("position_among_follow_ups", "preparatory"),
            ):
                if not getattr(self, field):
                    last = PoseLink.objects.filter(**{f"{end}_id": getattr(self, f"{end}_id")})
                    highest = last.aggregate(highest=models.Max(field))["highest"] or 0
                    setattr(self, field, highest + 1)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.preparatory.slug, self.follow_up.slug)

    natural_key.dependencies = ["poses.pose"]

    def clean(self):
        if self.preparatory_id and self.preparatory_id == self.follow_up_id:
            raise ValidationError({"preparatory": "A pose cannot prepare for itself."})


class RelatedPoseManager(models.Manager):
    def get_by_natural_key(self, pose_slug, related_slug):
        return self.get(pose__slug=pose_slug, related__slug=related_slug)


class RelatedPose(models.Model):
    """A symmetric relation, kept as a pair of mirrored rows so each pose lists it.

    Saving or deleting one row saves or deletes its mirror, so both pages always agree.
    """

    class Kind(models.TextChoices):
        VARIATION = "variation", "Variation"
        ALTERNATIVE = "alternative", "Alternative"

    pose = models.ForeignKey(Pose, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Pose, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.VARIATION)

    objects = RelatedPoseManager()

    class Meta:
        ordering = ["kind", "related__english_name"]
        verbose_name = "related pose"
        constraints = [
            models.UniqueConstraint(fields=["pose", "related"], name="related_pose_unique_pair"),
            models.CheckConstraint(
                name="related_pose_not_to_itself",
                condition=~Q(pose=F("related")),
                violation_error_message="A pose cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.pose.sanskrit_name} ↔ {self.related.sanskrit_name}"

    def save(self, *args, **kwargs):
        previous_related_id = (
            RelatedPose.objects.filter(pk=self.pk).values_list("related_id", flat=True).first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        if previous_related_id and previous_related_id != self.related_id:
            RelatedPose.objects.filter(
                pose_id=previous_related_id, related_id=self.pose_id
            ).delete()
        # Creating the mirror runs this method once more, finds this row and stops there.
        mirror, created = RelatedPose.objects.get_or_create(
            pose_id=self.related_id, related_id=self.pose_id, defaults={"kind": self.kind}
        )
        if not created and mirror.kind != self.kind:
            RelatedPose.objects.filter(pk=mirror.pk).update(kind=self.kind)

    def delete(self, *args, **kwargs):
        RelatedPose.objects.filter(pose_id=self.related_id, related_id=self.pose_id).delete()
        return super().delete(*args, **kwargs)

    def natural_key(self):
        return (self.pose.slug, self.related.slug)

    natural_key.dependencies = ["poses.pose"]

    def clean(self):
        if self.pose_id and self.pose_id == self.related_id:
            raise ValidationError({"related": "A pose cannot be related to itself."})


class CounterposeManager(models.Manager):
    def get_by_natural_key(self, pose_slug, counterpose_slug):
        return self.get(pose__slug=pose_slug, counterpose__slug=counterpose_slug)


class Counterpose(models.Model):
    """One directed fact: `counterpose` is practised after `pose` to balance it.

    Directional: Balasana after Ustrasana eases the back, but Ustrasana is not practised
    to balance Balasana.
    """

    pose = models.ForeignKey(
        Pose,
        on_delete=models.CASCADE,
        related_name="counterpose_links",
        help_text="The pose that needs balancing.",
    )
    counterpose = models.ForeignKey(
        Pose,
        on_delete=models.CASCADE,
        related_name="countered_links",
        help_text="The pose practised after it to balance it.",
    )
    position = models.PositiveIntegerField(default=0)
    reason = models.CharField(
        max_length=160,
        blank=True,
        help_text="Optional, one line: what it balances, e.g. “Rounds the spine after the "
        "backbend”.",
    )

    objects = CounterposeManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pose", "counterpose"], name="counterpose_unique_pair"),
            models.CheckConstraint(
                name="counterpose_not_to_itself",
                condition=~Q(pose=F("counterpose")),
                violation_error_message="A pose cannot be its own counterpose.",
            ),
        ]

    def __str__(self):
        return f"{self.counterpose.sanskrit_name} counters {self.pose.sanskrit_name}"

    def natural_key(self):
        return (self.pose.slug, self.counterpose.slug)

    natural_key.dependencies = ["poses.pose"]

    def clean(self):
        if self.pose_id and self.pose_id == self.counterpose_id:
            raise ValidationError({"counterpose": "A pose cannot be its own counterpose."})


def poses_joined_by(link_model):
    """The names of a link model's fields that hold a pose."""
    return [
        field.attname
        for field in link_model._meta.concrete_fields
        if field.is_relation and field.related_model is Pose
    ]


def mark_linked_poses_changed(sender, instance, raw=False, **kwargs):
    """A link is part of both poses it joins, as each one's admin form shows it: saving or
    deleting one (from either pose's page, the links admin, bulk links, an import) marks
    both poses, and those it joined before, as saved now, so that a form opened earlier on
    any of them refuses to save over it (studio/forms.py). In the same transaction as the
    link, before it: connected to pre_save and post_delete. A row saved unchanged marks
    nothing; rows written raw (fixtures; a restore, after which PoseAdmin marks the poses
    itself, with link_partners()) are left alone."""
    if raw:
        return
    pose_fields = poses_joined_by(sender)
    pose_ids = {getattr(instance, name) for name in pose_fields}
    if kwargs["signal"] is models.signals.pre_save and instance.pk is not None:
        fields = [field.attname for field in sender._meta.concrete_fields]
        before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
        if before == {name: getattr(instance, name) for name in fields}:
            return
        if before:
            pose_ids.update(before[name] for name in pose_fields)
    pose_ids.discard(None)
    mark_poses_changed(pose_ids)


def link_partners(pose_id):
    """The poses linked to this one, either way, by any kind of link."""
    partners = set()
    for model in (PoseLink, RelatedPose, Counterpose):
        pose_fields = poses_joined_by(model)
        for name in pose_fields:
            rows = model._base_manager.filter(**{name: pose_id}).values_list(*pose_fields)
            for row in rows:
                partners.update(row)
    partners.discard(pose_id)
    return partners


def mark_poses_changed(pose_ids):
    """These poses, as saved now: what their admin forms opened before refuse to replace."""
    Pose._base_manager.filter(pk__in=pose_ids).update(updated_at=timezone.now())


# Searches that found nothing, for staff to learn from (issue 16).

MAX_SEARCH_MISS_LENGTH = 100  # longer queries are noise (or a flood), never a pose's name
MAX_SEARCH_MISSES = 1_000  # rows kept; beyond it the rarest, oldest miss makes room


def search_miss_text(query: str) -> str:
    """A query as a miss is kept: lower case, whitespace collapsed. Empty when it is not
    worth keeping: longer than MAX_SEARCH_MISS_LENGTH, or without a single letter."""
    text = " ".join(query.casefold().split())
    if len(text) > MAX_SEARCH_MISS_LENGTH or not any(c.isalpha() for c in text):
        return ""
    return text


class SearchMissQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def record(self, query, kind="nothing"):
        """Count one more search for `query` (from search_miss_text) that found nothing, or
        (`kind` "unopened") whose results a student left without opening one: one UPDATE,
        or an INSERT the first time (a concurrent first insert is caught by the unique
        constraint, and counted as an update). A resolved miss that misses again is open
        again."""
        now = timezone.now()
        again = {"count": F("count") + 1, "last_seen": now, "resolved_at": None, "resolution": ""}
        if self.filter(query=query, kind=kind).update(**again):
            return
        try:
            with transaction.atomic():
                self.create(query=query, kind=kind, first_seen=now, last_seen=now)
        except IntegrityError:
            self.filter(query=query, kind=kind).update(**again)
            return
        self.filter(kind=kind).make_room()

    def make_room(self, keep=MAX_SEARCH_MISSES):
        """Keep at most `keep` rows (of each kind, as record() calls it): resolved misses
        go first, then the rarest and oldest."""
        excess = self.count() - keep
        if excess > 0:
            doomed = self.order_by(
                F("resolved_at").asc(nulls_last=True), "count", "last_seen"
            ).values_list("pk", flat=True)[:excess]
            self.filter(pk__in=list(doomed)).delete()

    def resolve(self, query, resolution, kind=None):
        """Mark the misses of `query` fixed (of one kind, or all of them)."""
        misses = self.filter(query=query) if kind is None else self.filter(query=query, kind=kind)
        return misses.update(resolved_at=timezone.now(), resolution=resolution)


class SearchMiss(models.Model):
    """A search on the pose list that found no pose, or whose results students left without
    opening one: what was typed, how often, when first and last. Nothing about who searched
    (no user, session, address or browser)."""

    class Kind(models.TextChoices):
        NOTHING = "nothing", "found nothing"
        UNOPENED = "unopened", "left without opening a result"

    query = models.CharField("search", max_length=MAX_SEARCH_MISS_LENGTH)
    kind = models.CharField("what happened", max_length=10, choices=Kind, default=Kind.NOTHING)
    count = models.PositiveIntegerField("how often", default=1)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField("fixed", null=True, blank=True)
    resolution = models.CharField("how it was fixed", max_length=300, blank=True)

    objects = SearchMissQuerySet.as_manager()

    class Meta:
        ordering = ["-count", "-last_seen"]
        verbose_name = "search that failed a student"
        verbose_name_plural = "searches that failed students"
        constraints = [
            models.UniqueConstraint(fields=["query", "kind"], name="search_miss_unique_query_kind"),
        ]

    def __str__(self):
        return self.query


# Likely mistakes a teacher has said are intended (issue 18; found by poses/mistakes.py).


class DismissedWarning(models.Model):
    """A warning about a likely mistake in a pose that a teacher dismissed: it stays hidden
    while what it is about is unchanged (the same fingerprint), and comes back when that
    content changes."""

    class Kind(models.TextChoices):
        DUPLICATE_STEPS = "duplicate_steps", "Steps with the same instruction"
        SHARED_ENGLISH_NAME = "shared_english_name", "English name of another pose"
        MISSING_BREATH_CUE = "missing_breath_cue", "Step without a breath cue"
        UNDESCRIBED_IMAGE = "undescribed_image", "Image without a description"

    pose = models.ForeignKey(Pose, on_delete=models.CASCADE, related_name="dismissed_warnings")
    kind = models.CharField(max_length=30, choices=Kind)
    fingerprint = models.CharField(max_length=64)
    dismissed_by = models.CharField(max_length=150, blank=True)
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dismissed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pose", "kind", "fingerprint"], name="dismissed_warning_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.pose}"
