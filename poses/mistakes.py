"""Likely mistakes in a saved pose: not errors (the pose is saved as it is) but what a teacher
may not have meant, told after each save and on the pose's admin page until corrected or
dismissed. A dismissal (DismissedWarning) holds while the content a warning is about stays
the same: its fingerprint is made of that content."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from poses.models import DismissedWarning, Pose
from poses.search import search_key

Kind = DismissedWarning.Kind

# A description shorter than this says little of what an image shows.
MIN_DESCRIPTION_LENGTH = 10
# What an image is described as when it is not described.
PLACEHOLDERS = {
    "alt", "description", "figure", "foto", "image", "img", "photo", "pic", "picture", "pose",
    "screenshot", "untitled",
}  # fmt: skip
IMAGE_FILE = re.compile(r"\S+\.(jpe?g|png|gif|webp|avif|heic|tiff?|bmp|svg)", re.IGNORECASE)
CAMERA_NAME = re.compile(r"(img|dsc|dscn|dcim|pxl|photo|image)[-_ ]?\d+\S*", re.IGNORECASE)
# ![description](address "title"), as the editor inserts an uploaded image: ![]("address").
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?\"?([^\s\")>]*)")


@dataclass(frozen=True)
class LikelyMistake:
    kind: str
    message: str
    about: str  # the content the warning is about: a change to it brings a dismissal back

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(f"{self.kind}\n{self.about}".encode()).hexdigest()


def plain(text: str) -> str:
    """Text as compared: case and spacing ignored."""
    return " ".join(text.split()).casefold()


def quoted(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= length else text[: length - 1] + '…'}”"


def numbers(values: list[int]) -> str:
    """2 and 5; 2, 5 and 7."""
    names = [str(value) for value in values]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def duplicate_steps(steps) -> list[LikelyMistake]:
    """Two or more steps with the same instruction, whatever their case and spacing."""
    by_text = {}
    for number, step in enumerate(steps, start=1):
        by_text.setdefault(plain(step.instruction), []).append((number, step))
    return [
        LikelyMistake(
            Kind.DUPLICATE_STEPS,
            f"Steps {numbers([number for number, _ in found])} have the same instruction, "
            f"{quoted(found[0][1].instruction)}: was one pasted twice?",
            f"{len(found)}\n{text}",
        )
        for text, found in by_text.items()
        if text and len(found) > 1
    ]


def missing_breath_cues(steps) -> list[LikelyMistake]:
    """A step without a breath cue between two steps that have one."""
    found = []
    for index in range(1, len(steps) - 1):
        before, step, after = steps[index - 1 : index + 2]
        if not step.breath_cue and before.breath_cue and after.breath_cue:
            found.append(
                LikelyMistake(
                    Kind.MISSING_BREATH_CUE,
                    f"Step {index + 1} ({quoted(step.title)}) has no breath cue, though steps "
                    f"{index} and {index + 2} have one.",
                    f"{plain(step.title)}\n{plain(step.instruction)}",
                )
            )
    return found


def shared_english_name(pose) -> list[LikelyMistake]:
    """Other poses with the same English name, as search compares names (case, spacing,
    hyphens and accents aside): by their indexed search key, which every saved pose has."""
    key = search_key(pose.english_name)
    if not key:
        return []
    others = list(
        Pose.objects.exclude(pk=pose.pk)
        .filter(english_key=key)
        .order_by("sanskrit_name")
        .only("sanskrit_name", "status")
    )
    if not others:
        return []
    names = ", ".join(
        other.sanskrit_name + (" (a draft)" if other.status == Pose.Status.DRAFT else "")
        for other in others
    )
    return [
        LikelyMistake(
            Kind.SHARED_ENGLISH_NAME,
            f"{names} {'is' if len(others) == 1 else 'are'} also called "
            f"{quoted(pose.english_name)} in English: students will find "
            f"{len(others) + 1} poses of that name.",
            f"{key}\n{sorted(other.pk for other in others)}",
        )
    ]


def description_problem(description: str, names=()) -> str:
    """What is wrong with an image's description, or "" when it seems to describe it."""
    text = " ".join(description.split())
    word = text.casefold().strip(" .")
    if not word:
        return "has no description"
    if IMAGE_FILE.fullmatch(text) or CAMERA_NAME.fullmatch(text):
        return f"is described only by a file name, {quoted(text)}"
    if word in PLACEHOLDERS or word in names:
        return f"is described only as {quoted(text)}"
    if len(word) < MIN_DESCRIPTION_LENGTH:
        return f"has a very short description, {quoted(text)}"
    return ""


def undescribed_images(pose, steps, benefits, notes) -> list[LikelyMistake]:
    """The pose's image, and images in its Markdown, described by nothing, a file name, a
    placeholder, the pose's name alone or a word or two."""
    names = {plain(pose.sanskrit_name), plain(pose.english_name)}
    found = []

    def check(where, address, description):
        problem = description_problem(description, names)
        if problem:
            file_name = PurePosixPath(address).name or address
            found.append(
                LikelyMistake(
                    Kind.UNDESCRIBED_IMAGE,
                    f"{where} ({file_name}) {problem}: describe what it shows for students "
                    "who use a screen reader.",
                    f"{where}\n{address}\n{description}",
                )
            )

    if pose.image:
        check("The pose's image", pose.image.name, pose.image_alt)
    texts = [
        ("introduction", pose.introduction),
        ("“When to practise”", pose.practice_time),
        ("“Good to know”", pose.closing_notes),
        *((f"step {number}", step.instruction) for number, step in enumerate(steps, start=1)),
        *((f"benefit {number}", b.text) for number, b in enumerate(benefits, start=1)),
        *((f"precaution {number}", note.text) for number, note in enumerate(notes, start=1)),
    ]
    for where, text in texts:
        for description, address in MARKDOWN_IMAGE.findall(text or ""):
            check(f"An image in {where}", address, description)
    return found


def likely_mistakes(pose) -> list[LikelyMistake]:
    """Every likely mistake in the pose as saved, dismissed or not."""
    steps = list(pose.steps.order_by("position"))
    return [
        *duplicate_steps(steps),
        *missing_breath_cues(steps),
        *shared_english_name(pose),
        *undescribed_images(
            pose, steps, list(pose.benefits.order_by("position")), list(pose.safety_notes.all())
        ),
    ]


def undismissed_mistakes(pose) -> list[LikelyMistake]:
    """The likely mistakes of a saved pose that no teacher has dismissed."""
    dismissed = set(pose.dismissed_warnings.values_list("kind", "fingerprint"))
    return [
        mistake
        for mistake in likely_mistakes(pose)
        if (mistake.kind, mistake.fingerprint) not in dismissed
    ]


def mistakes_after_save(pose) -> list[LikelyMistake]:
    """The likely mistakes to tell a teacher about after a save. Dismissals of warnings that
    no longer arise are forgotten: what they were about has changed."""
    mistakes = likely_mistakes(pose)
    pose.dismissed_warnings.exclude(fingerprint__in=[m.fingerprint for m in mistakes]).delete()
    dismissed = set(pose.dismissed_warnings.values_list("kind", "fingerprint"))
    return [mistake for mistake in mistakes if (mistake.kind, mistake.fingerprint) not in dismissed]


def dismiss(pose, kind: str, fingerprint: str, user) -> LikelyMistake | None:
    """Dismiss the pose's warning of this kind and fingerprint; None when it no longer
    arises (the pose has changed since the page was opened)."""
    for mistake in likely_mistakes(pose):
        if (mistake.kind, mistake.fingerprint) == (kind, fingerprint):
            DismissedWarning.objects.get_or_create(
                pose=pose,
                kind=kind,
                fingerprint=fingerprint,
                defaults={"dismissed_by": user.get_full_name() or user.get_username()},
            )
            return mistake
    return None
