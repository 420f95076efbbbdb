"""The sequence audit: what the pose library already knows, checked against a class plan.

Each rule reads the sequence's items in order and returns findings; `audit()` runs them all.
Findings are advice for the teacher, never a refusal to save or publish. The rules (their
reasons are in docs/sequences.md, “The audit”):

- opening: the class starts in Savasana, the final rest;
- preparation: an intermediate or advanced pose with preparatory poses (PoseLink), none of
  which comes before it. A starting position is not a preparation and is not asked for;
- sides: a one-sided pose (a step has a side, or an item is on the left or right) that is
  not practised on both sides;
- uneven-sides: a pose practised on both sides for times more than a breath apart;
- hold: a hold outside the pose's own range (hold_min_seconds to hold_max_seconds); a flow
  is never told a hold is too short, since it moves with the breath;
- counterpose: a pose with counterposes (Counterpose: practised after it) none of which
  comes after its last appearance. Directional: a counterpose before the pose, or the
  pose after its counterpose, balances nothing;
- level: a pose above the sequence's level;
- unpublished: a pose students cannot see, left out of the public pages;
- rest: a whole class that does not end in rest (Savasana or a restorative pose). A flow
  (Sequence.Kind.FLOW) is practised within a class and need not.
"""

from dataclasses import dataclass

from poses.models import Level, Pose
from sequences.models import SECONDS_PER_BREATH, Sequence, SequenceItem
from studio.durations import format_duration

LEVELS = list(Level.values)  # beginner < intermediate < advanced

# The final rest, by its slug, and the pose type of every other resting pose (Balasana,
# Supta Baddha Konasana, Viparita Karani in the starter library).
FINAL_REST = "savasana"
RESTING_POSE_TYPE = "restorative"

# A hold counted in breaths is judged against a pose's range with breaths as fast or as
# slow as students take them: too short only if too short even at slow breaths, too long
# only if too long even at quick ones. (Totals use the five seconds of SECONDS_PER_BREATH.)
QUICK_BREATH_SECONDS = 4
SLOW_BREATH_SECONDS = 8


@dataclass(frozen=True)
class Finding:
    rule: str
    position: int  # of the item the finding is about, 1 for the first
    pose: Pose
    message: str

    def __str__(self):
        return f"Pose {self.position}: {self.message}"


def audit(sequence):
    if sequence.pk is None:
        return []
    items = list(Sequence.objects.for_audit().get(pk=sequence.pk).items.all())
    is_flow = sequence.kind == Sequence.Kind.FLOW
    findings = [
        *opening_findings(items),
        *preparation_findings(items),
        *side_findings(items),
        *uneven_side_findings(items),
        *hold_findings(items, is_flow),
        *counterpose_findings(items),
        *level_findings(items, sequence.level),
        *unpublished_findings(items),
        *([] if is_flow else rest_findings(items)),
    ]
    return sorted(findings, key=lambda finding: finding.position)


def opening_findings(items):
    if not items or items[0].pose.slug != FINAL_REST:
        return []
    pose = items[0].pose
    return [
        Finding(
            "opening",
            1,
            pose,
            f"The class starts in {pose.sanskrit_name}, the final rest: keep it for the end, "
            "and open with a seated or standing pose.",
        )
    ]


def preparation_findings(items):
    findings, seen = [], set()
    for number, item in enumerate(items, start=1):
        pose = item.pose
        preparatory = [link.preparatory for link in pose.preparation_links]
        # Beginner poses are warm-ups in themselves: asking each for a preparation would
        # flag nearly every class.
        needs_preparation = preparatory and pose.level != Level.BEGINNER
        if pose.pk not in seen and needs_preparation and not {p.pk for p in preparatory} & seen:
            findings.append(
                Finding(
                    "preparation",
                    number,
                    pose,
                    f"{pose.sanskrit_name} is {pose.get_level_display().lower()}, and none of "
                    f"its preparatory poses comes before it: consider warming up with "
                    f"{names(preparatory)} first.",
                )
            )
        seen.add(pose.pk)
    return findings


def items_by_pose(items):
    """Each pose's items as (position, item), in order, the poses in order of appearance."""
    by_pose = {}
    for number, item in enumerate(items, start=1):
        by_pose.setdefault(item.pose.pk, []).append((number, item))
    return by_pose.values()


def side_findings(items):
    findings = []
    for pairs in items_by_pose(items):
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


def uneven_side_findings(items):
    findings = []
    for pairs in items_by_pose(items):
        one_sided = [(number, item) for number, item in pairs if item.side in ("left", "right")]
        if not one_sided:
            continue  # “both sides” alone holds each side alike
        seconds = {"left": 0, "right": 0}
        for _, item in pairs:
            for side in ("left", "right"):
                if item.side in (side, "both"):
                    seconds[side] += item.seconds_per_side
        if not seconds["left"] or not seconds["right"]:
            continue  # one side missing altogether: the sides rule says so
        # A breath apart or less is how a count in breaths meets one in seconds.
        if abs(seconds["left"] - seconds["right"]) <= SECONDS_PER_BREATH:
            continue
        number, first = one_sided[0]
        findings.append(
            Finding(
                "uneven-sides",
                number,
                first.pose,
                f"{first.pose.sanskrit_name} is held {format_duration(seconds['right'])} on "
                f"the right side and {format_duration(seconds['left'])} on the left: give "
                "both sides the same time.",
            )
        )
    return findings


def hold_findings(items, is_flow=False):
    findings = []
    for number, item in enumerate(items, start=1):
        pose = item.pose
        low, high = pose.hold_min_seconds, pose.hold_max_seconds
        shortest = longest = item.seconds_per_side
        if item.hold_unit == SequenceItem.HoldUnit.BREATHS:
            shortest = item.hold_value * QUICK_BREATH_SECONDS
            longest = item.hold_value * SLOW_BREATH_SECONDS
        if high is not None and shortest > high:
            comparison = "longer"
        elif low is not None and longest < low and not is_flow:
            comparison = "shorter"
        else:
            continue
        findings.append(
            Finding(
                "hold",
                number,
                pose,
                f"{pose.sanskrit_name} is held for {held_for(item)}, {comparison} than its "
                f"usual hold of {usual_hold(pose)}.",
            )
        )
    return findings


def held_for(item):
    """“300 seconds”, or “60 breaths (about 5 minutes)”."""
    if item.hold_unit == SequenceItem.HoldUnit.BREATHS:
        return f"{item.hold_display()} (about {format_duration(item.seconds_per_side)})"
    return item.hold_display()


def usual_hold(pose):
    low, high = pose.hold_min_seconds, pose.hold_max_seconds
    if low is not None and high is None:
        return f"at least {format_duration(low)}"
    if high is not None and low is None:
        return f"at most {format_duration(high)}"
    return pose.hold_range()


def counterpose_findings(items):
    findings, last = [], {}
    for number, item in enumerate(items, start=1):
        last[item.pose.pk] = number
    for number in last.values():
        pose = items[number - 1].pose
        counterposes = [link.counterpose for link in pose.counterpose_list]
        later = {item.pose.pk for item in items[number:]}
        if counterposes and not {counterpose.pk for counterpose in counterposes} & later:
            findings.append(
                Finding(
                    "counterpose",
                    number,
                    pose,
                    f"{pose.sanskrit_name} is not followed by a counterpose: add "
                    f"{names(counterposes)} after it.",
                )
            )
    return findings


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


def rest_findings(items):
    if not items or is_rest(items[-1].pose):
        return []
    pose = items[-1].pose
    return [
        Finding(
            "rest",
            len(items),
            pose,
            f"The class ends in {pose.sanskrit_name}, not in rest: close it with Savasana or "
            "another restorative pose (or, for a warm-up, make the sequence a flow).",
        )
    ]


def is_rest(pose):
    return pose.slug == FINAL_REST or any(
        pose_type.slug == RESTING_POSE_TYPE for pose_type in pose.pose_types.all()
    )


def names(poses):
    """“Phalakasana”, “Phalakasana or Malasana”, “Phalakasana, Malasana or Navasana”."""
    names = [pose.sanskrit_name for pose in poses]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
