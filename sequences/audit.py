"""The sequence audit: what the pose library already knows, checked against a class plan.

Each rule reads the sequence's items in order and returns findings; `audit()` runs them all.
The rules:

- preparation: a pose with preparatory poses (PoseLink) none of which comes before it;
- sides: a one-sided pose (a step has a side, or an item is on the left or right) that is
  not practised on both sides;
- counterpose: a pose with counterposes (RelatedPose, kind counterpose) none of which
  follows it. The link is symmetric, so the later pose of a pair is the counterpose of the
  earlier one and needs none of its own;
- level: a pose above the sequence's level;
- unpublished: a pose students cannot see, left out of the public pages.
"""

from dataclasses import dataclass

from poses.models import Level, Pose

LEVELS = list(Level.values)  # beginner < intermediate < advanced


@dataclass(frozen=True)
class Finding:
    rule: str
    position: int  # of the item the finding is about, 1 for the first
    pose: Pose
    message: str

    def __str__(self):
        return f"{self.position}. {self.message}"


def audit(sequence):
    if sequence.pk is None:
        return []
    from sequences.models import Sequence

    items = list(Sequence.objects.for_audit().get(pk=sequence.pk).items.all())
    findings = [
        *preparation_findings(items),
        *side_findings(items),
        *counterpose_findings(items),
        *level_findings(items, sequence.level),
        *unpublished_findings(items),
    ]
    return sorted(findings, key=lambda finding: finding.position)


def preparation_findings(items):
    findings, seen = [], set()
    for number, item in enumerate(items, start=1):
        pose = item.pose
        preparatory = [link.preparatory for link in pose.preparation_links]
        if pose.pk not in seen and preparatory and not {p.pk for p in preparatory} & seen:
            findings.append(
                Finding(
                    "preparation",
                    number,
                    pose,
                    f"{pose.sanskrit_name} comes before any of its preparatory poses "
                    f"({names(preparatory)}).",
                )
            )
        seen.add(pose.pk)
    return findings


def side_findings(items):
    findings, by_pose = [], {}
    for number, item in enumerate(items, start=1):
        by_pose.setdefault(item.pose.pk, []).append((number, item))
    for pairs in by_pose.values():
        number, first = pairs[0]
        sides = {item.side for _, item in pairs}
        one_sided = bool(first.pose.sided_steps or sides & {"left", "right"})
        if not one_sided or "both" in sides or {"left", "right"} <= sides:
            continue
        if "left" in sides or "right" in sides:
            done, missing = ("left", "right") if "left" in sides else ("right", "left")
            message = (
                f"{first.pose.sanskrit_name} is practised on the {done} side only: "
                f"add the {missing} side."
            )
        else:
            message = (
                f"{first.pose.sanskrit_name} is done on one side at a time: "
                "set its side to “Both sides”, or add it for the left and the right."
            )
        findings.append(Finding("sides", number, first.pose, message))
    return findings


def counterpose_findings(items):
    waiting = {}  # pose pk -> (position, pose) still waiting for a counterpose
    for number, item in enumerate(items, start=1):
        pose = item.pose
        countered = [pk for pk in waiting if pk in counterposes_of(pose)]
        for pk in countered:
            del waiting[pk]
        if not countered and counterposes_of(pose) and pose.pk not in waiting:
            waiting[pose.pk] = (number, pose)
    return [
        Finding(
            "counterpose",
            number,
            pose,
            f"{pose.sanskrit_name} is not followed by a counterpose "
            f"({names(link.counterpose for link in pose.counterpose_list)}).",
        )
        for number, pose in waiting.values()
    ]


def counterposes_of(pose):
    return {link.counterpose_id for link in pose.counterpose_list}


def level_findings(items, level):
    findings, seen = [], set()
    for number, item in enumerate(items, start=1):
        pose = item.pose
        if pose.pk not in seen and LEVELS.index(pose.level) > LEVELS.index(level):
            findings.append(
                Finding(
                    "level",
                    number,
                    pose,
                    f"{pose.sanskrit_name} is {pose.get_level_display().lower()}, above this "
                    f"{Level(level).label.lower()} sequence.",
                )
            )
        seen.add(pose.pk)
    return findings


def unpublished_findings(items):
    findings, seen = [], set()
    for number, item in enumerate(items, start=1):
        pose = item.pose
        if pose.pk not in seen and not pose.is_published:
            findings.append(
                Finding(
                    "unpublished",
                    number,
                    pose,
                    f"{pose.sanskrit_name} is not published: the public pages leave it out.",
                )
            )
        seen.add(pose.pk)
    return findings


def names(poses):
    return ", ".join(pose.sanskrit_name for pose in poses)
