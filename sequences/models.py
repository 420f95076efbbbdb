from dataclasses import dataclass, field

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from markdownx.models import MarkdownxField

from poses import safety
from poses.models import ConditionGuidance, Counterpose, Level, Pose, PoseLink, SafetyNote, Step
from studio.markdown import MAX_MARKDOWN_LENGTH
from studio.publishing import Publishable, PublishableQuerySet, published_filter

# A hold counted in breaths lasts this long, for the total time and the practise timer: a
# slow yoga breath (in and out) takes about five seconds.
SECONDS_PER_BREATH = 5


class SequenceQuerySet(PublishableQuerySet):
    def for_list(self):
        """Just what the list of sequences shows: the items, for the pose count and time."""
        return self.prefetch_related(
            Prefetch(
                "items", SequenceItem.objects.only("sequence", "hold_value", "hold_unit", "side")
            )
        )

    def for_sequence_page(self):
        """Everything the sequence and practise pages show, in a fixed number of queries.

        Only published poses are shown, so a draft never leaks through a sequence; the
        audit tells the teacher which poses are left out.
        """
        return self.prefetch_related(
            Prefetch(
                "items",
                SequenceItem.objects.filter(published_filter("pose__")).select_related("pose"),
            ),
            Prefetch(
                "items__pose__safety_notes",
                SafetyNote.objects.select_related("substitute").prefetch_related("conditions"),
            ),
            "items__pose__pose_types",
            Prefetch(
                "items__pose__pose_types__condition_guidance",
                ConditionGuidance.objects.select_related("condition", "substitute"),
            ),
        )

    def for_audit(self):
        """Every item, with what each audit rule reads about its pose."""
        return self.prefetch_related(
            Prefetch("items", SequenceItem.objects.select_related("pose")),
            "items__pose__pose_types",
            Prefetch("items__pose__steps", Step.objects.exclude(side=""), to_attr="sided_steps"),
            Prefetch(
                "items__pose__preparatory_links",
                PoseLink.objects.select_related("preparatory").order_by(
                    "position_among_preparatory", "pk"
                ),
                to_attr="preparation_links",
            ),
            Prefetch(
                "items__pose__counterpose_links",
                Counterpose.objects.select_related("counterpose"),
                to_attr="counterpose_list",
            ),
        )


class SequenceManager(models.Manager.from_queryset(SequenceQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Sequence(Publishable):
    """A class plan: poses in order, each held for a while, on one side or both."""

    class Kind(models.TextChoices):
        CLASS = "class", "A whole class"
        FLOW = "flow", "A flow or warm-up, practised within a class"

    title = models.CharField(max_length=120, help_text="e.g. “Hamstrings, gently”.")
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The sequence's web address after /sequences/. Filled in from the title.",
    )
    level = models.CharField(
        max_length=20,
        choices=Level,
        default=Level.BEGINNER,
        help_text="Who the class is for. The check below flags poses above this level.",
    )
    kind = models.CharField(
        "kind of sequence",
        max_length=10,
        choices=Kind,
        default=Kind.CLASS,
        help_text="A whole class ends in rest. A flow (a Sun Salutation, a warm-up) moves "
        "with the breath and is part of a class: the check does not ask it to end in rest, "
        "nor to hold each pose for its usual time.",
    )
    focus = models.CharField(
        max_length=160,
        blank=True,
        help_text="What the class works on, in a few words, e.g. “Hamstrings and hips”.",
    )
    notes = MarkdownxField(
        max_length=MAX_MARKDOWN_LENGTH,
        validators=[MaxLengthValidator(MAX_MARKDOWN_LENGTH)],
        blank=True,
        help_text="For the teacher and the students: the idea of the class, props. Markdown.",
    )
    notes_html = models.TextField(blank=True, editable=False)
    # status and published_at: see studio/publishing.py.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Rendered into notes_html before every save, fixtures included (studio/markdown.py,
    # connected in SequencesConfig.ready()).
    MARKDOWN_FIELDS = ("notes",)

    objects = SequenceManager()

    class Meta:
        ordering = ["title"]
        indexes = [Publishable.public_index("sequence_public")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sequences:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def total_seconds(self):
        """The whole class, holds only: a pose on both sides counts twice."""
        return sum(item.total_seconds for item in self.items.all())

    def precautions(self):
        """The precautions of all its poses (their notes and the studio's guidance for their
        kinds), grouped by the condition they concern.

        Notes without a condition come last, under “General”. A pose's precautions show once
        even when it comes back later in the sequence.
        """
        groups, general, seen = {}, [], set()
        for item in self.items.all():
            if item.pose.pk in seen:
                continue
            seen.add(item.pose.pk)
            for precaution in safety.precautions(item.pose):
                entry = PosePrecaution(item.pose, precaution)
                for condition in precaution.conditions:
                    groups.setdefault(condition.name, []).append(entry)
                if not precaution.conditions:
                    general.append(entry)
        grouped = [PrecautionGroup(name, notes) for name, notes in sorted(groups.items())]
        if general:
            grouped.append(PrecautionGroup("General", general))
        return grouped

    def practise_steps(self):
        """One step per pose and side, as the practise view goes through them: a pose held
        on both sides is two steps, right side first."""
        steps = []
        for item in self.items.all():
            if item.side == SequenceItem.Side.BOTH:
                steps.append(PractiseStep(item, SequenceItem.Side.RIGHT.label))
                steps.append(PractiseStep(item, SequenceItem.Side.LEFT.label))
            else:
                steps.append(PractiseStep(item, item.get_side_display()))
        return steps


@dataclass(frozen=True)
class PosePrecaution:
    pose: Pose
    precaution: safety.Precaution


@dataclass
class PrecautionGroup:
    condition: str
    notes: list = field(default_factory=list)


@dataclass
class PractiseStep:
    item: "SequenceItem"
    side: str

    @property
    def seconds(self):
        return self.item.seconds_per_side

    @property
    def is_left(self):
        """Figures show a pose's right side (docs/figures.md): the left one is its mirror."""
        return self.side == SequenceItem.Side.LEFT.label


class SequenceItemManager(models.Manager):
    """Items are known by their sequence's slug and their position in it."""

    def get_by_natural_key(self, sequence_slug, position):
        return self.get(sequence__slug=sequence_slug, position=position)


class SequenceItem(models.Model):
    class HoldUnit(models.TextChoices):
        SECONDS = "seconds", "seconds"
        BREATHS = "breaths", "breaths"

    class Side(models.TextChoices):
        LEFT = "left", "Left side"
        RIGHT = "right", "Right side"
        BOTH = "both", "Both sides"

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    # A pose in a class plan cannot be deleted from under it: the admin says where it is used.
    pose = models.ForeignKey(Pose, on_delete=models.PROTECT, related_name="sequence_items")
    hold_value = models.PositiveIntegerField("hold", default=30)
    hold_unit = models.CharField(
        "counted in", max_length=10, choices=HoldUnit, default=HoldUnit.SECONDS
    )
    side = models.CharField(
        max_length=10,
        choices=Side,
        blank=True,
        help_text="Empty for a symmetric pose. “Both sides” counts the hold twice.",
    )
    cue = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional, one line for this moment of the class, e.g. “Soften the knee”.",
    )

    objects = SequenceItemManager()

    class Meta:
        ordering = ["position"]
        verbose_name = "pose in the sequence"
        verbose_name_plural = "poses in the sequence"
        constraints = [
            models.UniqueConstraint(
                fields=["sequence", "position"], name="sequence_item_unique_position"
            ),
            models.CheckConstraint(
                name="sequence_item_hold_at_least_one",
                violation_error_message="Hold the pose for at least one second or breath.",
                condition=Q(hold_value__gte=1),
            ),
        ]

    def __str__(self):
        return f"{self.pose.sanskrit_name}, {self.hold_display()}"

    def natural_key(self):
        return (self.sequence.slug, self.position)

    natural_key.dependencies = ["sequences.sequence", "poses.pose"]

    def clean(self):
        if self.hold_value is not None and self.hold_value < 1:
            raise ValidationError(
                {"hold_value": "Hold the pose for at least one second or breath."}
            )

    @property
    def seconds_per_side(self):
        if self.hold_unit == self.HoldUnit.BREATHS:
            return self.hold_value * SECONDS_PER_BREATH
        return self.hold_value

    @property
    def total_seconds(self):
        return self.seconds_per_side * (2 if self.side == self.Side.BOTH else 1)

    def hold_display(self):
        """“30 seconds”, “5 breaths”, “1 breath”."""
        unit = self.hold_unit.rstrip("s") if self.hold_value == 1 else self.hold_unit
        return f"{self.hold_value} {unit}"


reversion.register(SequenceItem)
reversion.register(Sequence, follow=("items",))
