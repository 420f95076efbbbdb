"""What a pose's safety guidance says, for every student and for one student's conditions.

A pose's precautions are its own safety notes, then the studio's guidance for the kinds of
pose it is (`ConditionGuidance`: glaucoma and inversions, pregnancy and prone poses …) for
every condition none of its own notes speaks of: the pose's own note replaces the general
rule. A student's chosen conditions meet every kind of precaution (avoid, modify, caution);
a chosen condition that nothing here speaks of is said to be unaddressed, never safe.

Everything is read from what `PoseQuerySet.for_pose_page()` (or a sequence page) prefetched,
so a page asks nothing more.
"""

import re
from dataclasses import dataclass

from poses.models import Condition, ConditionGuidance, Pose, PoseType, SafetyNote

# Strictest first: a pose's verdict for a student is the strictest of their precautions.
STRICTNESS = {SafetyNote.Kind.AVOID: 0, SafetyNote.Kind.MODIFY: 1, SafetyNote.Kind.CAUTION: 2}


@dataclass(frozen=True)
class Precaution:
    kind: str
    text_html: str
    conditions: tuple[Condition, ...]
    substitute: Pose | None  # only a published pose, one students can open
    skip: bool  # avoid, and nothing to do instead: skip the pose and rest
    pose_type: PoseType | None = None  # set for the studio's guidance for a kind of pose

    @classmethod
    def from_note(cls, note: SafetyNote):
        return cls(
            kind=note.kind,
            text_html=note.text_html,
            conditions=tuple(note.conditions.all()),
            substitute=published_or_none(note.substitute),
            skip=note.says_skip,
        )

    @classmethod
    def from_guidance(cls, guidance: ConditionGuidance, pose_type: PoseType):
        return cls(
            kind=guidance.kind,
            text_html=guidance.text_html,
            conditions=(guidance.condition,),
            substitute=published_or_none(guidance.substitute),
            skip=guidance.says_skip,
            pose_type=pose_type,
        )

    @property
    def kind_label(self):
        return SafetyNote.Kind(self.kind).label

    @property
    def is_guidance(self):
        return self.pose_type is not None

    def concerns_any(self, condition_ids):
        return any(condition.pk in condition_ids for condition in self.conditions)


def published_or_none(pose):
    return pose if pose is not None and pose.is_published else None


def precautions(pose: Pose) -> list[Precaution]:
    """The pose's own notes in their order, then the guidance for its kinds of pose."""
    notes = list(pose.safety_notes.all())
    spoken_of = {condition.pk for note in notes for condition in note.conditions.all()}
    by_condition = {}  # condition pk -> (guidance, pose type), the strictest of its types
    for pose_type in pose.pose_types.all():
        for guidance in pose_type.condition_guidance.all():
            if guidance.condition_id in spoken_of:
                continue
            current = by_condition.get(guidance.condition_id)
            if current is None or STRICTNESS[guidance.kind] < STRICTNESS[current[0].kind]:
                by_condition[guidance.condition_id] = (guidance, pose_type)
    general = sorted(
        by_condition.values(),
        key=lambda found: (STRICTNESS[found[0].kind], found[0].condition.name),
    )
    return [Precaution.from_note(note) for note in notes] + [
        Precaution.from_guidance(guidance, pose_type) for guidance, pose_type in general
    ]


@dataclass(frozen=True)
class PersonalGuidance:
    """What the pose's guidance says for the student's conditions, and what it leaves out."""

    precautions: list[Precaution]  # strictest first
    unaddressed: list[Condition]  # chosen conditions nothing here speaks of

    @property
    def verdict(self):
        """avoid, modify or caution: the strictest precaution; None if there is none."""
        return self.precautions[0].kind if self.precautions else None

    def __bool__(self):
        return bool(self.precautions or self.unaddressed)


def personal_guidance(pose: Pose, conditions: list[Condition]) -> PersonalGuidance:
    if not conditions:
        return PersonalGuidance([], [])
    chosen = {condition.pk for condition in conditions}
    found = [p for p in precautions(pose) if p.concerns_any(chosen)]
    found.sort(key=lambda precaution: STRICTNESS[precaution.kind])
    addressed = {condition.pk for precaution in found for condition in precaution.conditions}
    return PersonalGuidance(
        precautions=[
            Precaution(
                kind=p.kind,
                text_html=p.text_html,
                conditions=tuple(c for c in p.conditions if c.pk in chosen),
                substitute=p.substitute,
                skip=p.skip,
                pose_type=p.pose_type,
            )
            for p in found
        ],
        unaddressed=[condition for condition in conditions if condition.pk not in addressed],
    )


def benefit_conflicts(pose: Pose) -> list[str]:
    """Benefits that claim to help a condition the pose's precautions say to avoid it with,
    as warnings for the teacher ("heals the respiratory system" beside "avoid with asthma")."""
    pose = Pose.objects.for_pose_page().get(pk=pose.pk)
    avoided = {
        condition
        for precaution in precautions(pose)
        if precaution.kind == SafetyNote.Kind.AVOID
        for condition in precaution.conditions
    }
    warnings = []
    for benefit in pose.benefits.all():
        for condition in sorted(avoided, key=lambda c: c.name):
            word = next(
                (w for w in condition.claim_words_list() if mentions(benefit.text, w)), None
            )
            if word:
                warnings.append(
                    f"The benefit “{benefit.text[:80]}” speaks of {word}, but this pose's "
                    f"precautions say to avoid it with {condition.name.lower()}. Reword or "
                    "remove the benefit, or check the precaution."
                )
    return warnings


def mentions(text, word):
    return re.search(rf"\b{re.escape(word)}", text, re.IGNORECASE) is not None
