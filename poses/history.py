"""A pose's saved versions as text a teacher can compare, line by line.

django-reversion keeps every save of a pose together with its steps, benefits, notes and
links (one revision); this module reads a revision back as labelled lines and compares two.
"""

from difflib import ndiff

import reversion
from django.db.models import QuerySet
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
    "hold_min_seconds",
    "hold_max_seconds",
    "introduction",
    "practice_time",
    "closing_notes",
    "image_alt",
)
VOCABULARIES = {
    "pose_types": PoseType,
    "styles": Style,
    "stretches": BodyArea,
    "strengthens": BodyArea,
}


def revision_lines(version):
    """Every line of what a revision of a pose held."""
    pose = version.field_dict
    lines = []
    for name in POSE_FIELDS:
        label = Pose._meta.get_field(name).verbose_name.capitalize()
        for number, text in enumerate(str(pose.get(name) or "").splitlines() or [""]):
            lines.append(f"{label}: {text}" if number == 0 else f"    {text}")
    for name, model in VOCABULARIES.items():
        terms = model.objects.filter(pk__in=pose.get(name) or []).values_list("name", flat=True)
        lines.append(f"{Pose._meta.get_field(name).verbose_name.capitalize()}: {', '.join(terms)}")
    related = {
        model: [] for model in (Step, Benefit, SafetyNote, PoseLink, Counterpose, RelatedPose)
    }
    for other in version.revision.version_set.all():
        if other._model in related:
            related[other._model].append(other.field_dict)
    names = dict(Pose.objects.values_list("pk", "sanskrit_name"))
    conditions = dict(Condition.objects.values_list("pk", "name"))
    for step in sorted(related[Step], key=lambda s: s["position"]):
        cue = f" ({step['breath_cue']}{', ' + step['side'] if step['side'] else ''})"
        lines.append(f"Step {step['position']}: {step['title']}{cue if step['breath_cue'] else ''}")
        lines += [f"    {text}" for text in step["instruction"].splitlines() if text.strip()]
    for benefit in sorted(related[Benefit], key=lambda b: b["position"]):
        kind = " (traditional claim)" if benefit.get("kind") == "traditional" else ""
        lines.append(f"Benefit{kind}: {benefit['text']}")
    for note in sorted(related[SafetyNote], key=lambda n: n["position"]):
        concerns = ", ".join(conditions.get(pk, "?") for pk in note.get("conditions") or [])
        lines.append(
            f"Precaution ({note['kind']}{': ' + concerns if concerns else ''}): {note['text']}"
        )
    for link in sorted(related[PoseLink], key=lambda n: n["position_among_preparatory"]):
        if link["follow_up_id"] == pose["id"]:
            lines.append(f"Prepared by: {names.get(link['preparatory_id'], 'a deleted pose')}")
        else:
            lines.append(f"Prepares for: {names.get(link['follow_up_id'], 'a deleted pose')}")
    for link in sorted(related[Counterpose], key=lambda n: n["position"]):
        other = names.get(link["counterpose_id"], "a deleted pose")
        lines.append(f"Counterpose: {other}")
    for relation in related[RelatedPose]:
        if relation["pose_id"] == pose["id"]:
            other = names.get(relation["related_id"], "a deleted pose")
            lines.append(f"Related ({relation['kind']}): {other}")
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
