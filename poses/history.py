"""A pose's saved versions as text a teacher can compare, line by line.

django-reversion keeps every save of a pose together with its steps, benefits, notes and
links (one revision); this module reads a revision back as labelled lines, in the words the
form and the pose page use (choices by label, poses by name, Markdown as the text students
read), and compares two.
"""

from datetime import datetime
from difflib import ndiff
from pathlib import PurePosixPath

import reversion
from django.db.models import ImageField, QuerySet
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from reversion.models import Version

from poses.models import (
    Benefit,
    BodyArea,
    Condition,
    Counterpose,
    Pose,
    PoseLink,
    PoseType,
    RelatedPose,
    SafetyNote,
    Step,
    Style,
    mark_poses_changed,
)
from studio.markdown import markdown_as_text

POSE_FIELDS = (
    "sanskrit_name",
    "english_name",
    "slug",
    "summary",
    "status",
    "published_at",
    "pronunciation",
    "meaning",
    "other_names",
    "level",
    "starting_position",
    "hold_min_seconds",
    "hold_max_seconds",
    "introduction",
    "practice_time",
    "closing_notes",
    "image",
    "image_alt",
)
VOCABULARIES = {
    "pose_types": PoseType,
    "styles": Style,
    "stretches": BodyArea,
    "strengthens": BodyArea,
}
NONE = "—"


def label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def shown(model, name, value, names):
    """A stored value as the teacher chose it in the form: a choice by its label, a pose by
    its name, a time as the admin writes it, an image as a photo, Markdown as text."""
    field = model._meta.get_field(name)
    if value in (None, ""):
        return [NONE]
    if field.choices:
        return [str(dict(field.flatchoices).get(value, value))]
    if field.is_relation:
        return [names.get(value, "a deleted pose")]
    if isinstance(value, datetime):
        return [date_format(localtime(value), "DATETIME_FORMAT")]
    if isinstance(field, ImageField):
        return [f"a photo (file “{PurePosixPath(str(value)).name}”)"]
    if name in getattr(model, "MARKDOWN_FIELDS", ()):
        return markdown_as_text(value) or [NONE]
    return str(value).splitlines() or [NONE]


def labelled(title, values):
    """“Title: first line”, then the other lines indented under it."""
    first, *rest = values
    return [f"{title}: {first}", *(f"    {line}" for line in rest)]


def revision_lines(version):
    """Every line of what a revision of a pose held, as a teacher would read it."""
    pose = version.field_dict
    related = {
        model: [] for model in (Step, Benefit, SafetyNote, PoseLink, Counterpose, RelatedPose)
    }
    for other in version.revision.version_set.all():
        if other._model in related:
            related[other._model].append(other.field_dict)
    # The names of the poses this version points at, read in one query.
    pointers = ("preparatory_id", "follow_up_id", "counterpose_id", "related_id", "substitute_id")
    ids = {pose.get("starting_position_id")} | {
        row.get(name) for rows in related.values() for row in rows for name in pointers
    }
    names = dict(Pose._base_manager.filter(pk__in=ids - {None}).values_list("pk", "sanskrit_name"))
    lines = []
    for name in POSE_FIELDS:
        stored = pose.get(f"{name}_id" if name == "starting_position" else name)
        lines += labelled(label(Pose, name), shown(Pose, name, stored, names))
    for name, model in VOCABULARIES.items():
        terms = model.objects.filter(pk__in=pose.get(name) or []).values_list("name", flat=True)
        lines.append(f"{label(Pose, name)}: {', '.join(terms) or NONE}")
    conditions = dict(Condition.objects.values_list("pk", "name"))

    def choice(model, name, row):
        return shown(model, name, row.get(name), names)[0]

    def with_reason(row):
        return f" ({row['reason']})" if row.get("reason") else ""

    for step in sorted(related[Step], key=lambda s: s["position"]):
        how = [choice(Step, name, step) for name in ("breath_cue", "side") if step.get(name)]
        cue = f" ({', '.join(how).lower()})" if how else ""
        lines.append(f"Step {step['position']}: {step['title']}{cue}")
        lines += [f"    {text}" for text in markdown_as_text(step["instruction"])]
    for benefit in sorted(related[Benefit], key=lambda b: b["position"]):
        kind = choice(Benefit, "kind", benefit).lower()
        lines += labelled(f"Benefit ({kind})", markdown_as_text(benefit["text"]) or [NONE])
    for note in sorted(related[SafetyNote], key=lambda n: n["position"]):
        concerns = ", ".join(conditions.get(pk, "?") for pk in note.get("conditions") or [])
        kind = choice(SafetyNote, "kind", note)
        title = f"Precaution ({kind}{': ' + concerns if concerns else ''})"
        lines += labelled(title, markdown_as_text(note["text"]) or [NONE])
        if note.get("substitute_id"):
            lines.append(f"    Instead: {names.get(note['substitute_id'], 'a deleted pose')}")
        elif note.get("no_substitute"):
            lines.append("    Instead: skip it and rest")
    links = related[PoseLink]
    for link in sorted(links, key=lambda link: link["position_among_preparatory"]):
        if link["follow_up_id"] == pose["id"]:
            other = names.get(link["preparatory_id"], "a deleted pose")
            lines.append(f"Prepared by: {other}{with_reason(link)}")
    for link in sorted(links, key=lambda link: link["position_among_follow_ups"]):
        if link["preparatory_id"] == pose["id"]:
            other = names.get(link["follow_up_id"], "a deleted pose")
            lines.append(f"Prepares for: {other}{with_reason(link)}")
    for link in sorted(related[Counterpose], key=lambda n: n["position"]):
        other = names.get(link["counterpose_id"], "a deleted pose")
        lines.append(f"Counterpose: {other}{with_reason(link)}")
    for relation in related[RelatedPose]:
        if relation["pose_id"] == pose["id"]:
            other = names.get(relation["related_id"], "a deleted pose")
            lines.append(f"{choice(RelatedPose, 'kind', relation)}: {other}")
    return lines


def compare(older, newer):
    """(change, line) pairs: change is "-" for removed, "+" for added, " " for kept."""
    return [
        (line[0], line[2:])
        for line in ndiff(revision_lines(older), revision_lines(newer))
        if not line.startswith("?")
    ]


# What other poses keep of a pose and lose when it is deleted (on_delete=SET_NULL): their
# safety notes' "instead, try" and their starting position. The permission to put each back.
POINTERS = (
    (SafetyNote, "substitute", "poses.change_safetynote"),
    (Pose, "starting_position", "poses.change_pose"),
)


def remember_poses_pointing_at(sender, instance, origin=None, **kwargs):
    """Before a pose is deleted, a version of each pose that points at it, so that recovering
    it can point them back (and their History shows what the deletion took); poses deleted
    along with it (a bulk delete) are not kept. Connected to Pose's pre_delete in
    PosesConfig.ready()."""
    pointing = Pose._base_manager.filter(
        pk__in=SafetyNote._base_manager.filter(substitute=instance).values("pose")
    ) | Pose._base_manager.filter(starting_position=instance)
    pointing = pointing.exclude(pk=instance.pk)
    if isinstance(origin, QuerySet) and origin.model is Pose:
        pointing = pointing.exclude(pk__in=origin.values("pk"))
    pointing = list(pointing.distinct())
    if not pointing:
        return
    with reversion.create_revision():
        reversion.set_comment(f"Before {instance.sanskrit_name} was deleted")
        for pose in pointing:
            reversion.add_to_revision(pose)


def point_back_at(pose, user):
    """After a pose is recovered: what other poses pointed at it when it was deleted, and
    still hold no other value in their latest version, points at it again, where `user` may
    change it. Returns the rows the user may not change, which stay as they are."""
    beyond_permission = []
    for model, field, permission in POINTERS:
        empty = model._base_manager.filter(**{f"{field}__isnull": True}).exclude(pk=pose.pk)
        if model is SafetyNote:
            empty = empty.filter(no_substitute=False)
        ids = {str(pk) for pk in empty.values_list("pk", flat=True)}
        latest = {}
        versions = Version.objects.get_for_model(model).filter(object_id__in=ids)
        for version in versions.order_by("-pk").iterator():
            latest.setdefault(version.object_id, version)
        rows = [
            object_id
            for object_id, version in latest.items()
            if version.field_dict.get(f"{field}_id") == pose.pk
        ]
        if not rows:
            continue
        if not user.has_perm(permission):
            beyond_permission += list(model._base_manager.filter(pk__in=rows))
            continue
        changed = model._base_manager.filter(pk__in=rows)
        for row in changed:
            setattr(row, f"{field}_id", pose.pk)
            row.save(update_fields=[field])
        # Their forms opened before hold the empty value: they must not save it back.
        mark_poses_changed(changed.values_list("pose" if model is SafetyNote else "pk", flat=True))
    return beyond_permission
