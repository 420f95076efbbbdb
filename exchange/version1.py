"""Reading files of version 1 of the exchange shape, written before the safety model.

A version 1 file is converted in place into version 2 before it is checked, the way
migrations 0007–0011 converted the library itself; docs/import-export.md explains each
step. Anything of the wrong JSON type is left as it is, for the checks to report.
"""

from poses.models import Benefit, Counterpose, Pose, PoseLink, SafetyNote

# A preparatory link whose reason says this was where the pose begins (migration 0009).
STARTING_WORDS = "starting position"


def upgrade_from_version_1(data):
    """Convert a version 1 file into version 2; return what was converted, in words."""
    poses = [pose for pose in data.get("poses", []) if isinstance(pose, dict)]
    counts = {
        "traditional": mark_benefits(poses),
        "skip": skip_avoid_notes_without_substitute(poses),
        "counterposes": counterposes_from_related(poses),
        "starting": starting_positions_from_links(poses),
    }
    keep_library_order(poses, "follow_ups", follow_ups_in_library(poses))
    keep_library_order(poses, "counterposes", counterposes_in_library(poses))
    data["version"] = 2
    said = {
        "traditional": "benefits of unknown kind, marked as traditional claims until a teacher "
        "checks them",
        "skip": "avoid notes without a substitute, now “skip it”",
        "counterposes": "counterposes, each kept on the pose that listed it (remove any "
        "direction that does not hold)",
        "starting": "starting positions, from preparatory links that named them",
    }
    return [f"{said[name]}: {count}" for name, count in counts.items() if count]


def items(pose, name):
    """The well-formed items of one of the pose's lists."""
    found = pose.get(name)
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def slug_of(item, key="slug"):
    """A pose's own slug, or the one a link names; None if it is not text."""
    value = item.get(key) if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


def mark_benefits(poses):
    """Version 1 benefits are plain text of unknown kind. One the library already has on
    that pose keeps the kind it has there; any other is taken as a traditional claim, so
    that a claim never passes for a physical fact. Returns how many were marked so."""
    known = {
        (slug, text): kind
        for slug, text, kind in Benefit.objects.filter(
            pose__slug__in=[slug_of(pose) for pose in poses]
        ).values_list("pose__slug", "text", "kind")
    }
    marked = 0
    for pose in poses:
        benefits = pose.get("benefits")
        if not isinstance(benefits, list):
            continue
        for index, text in enumerate(benefits):
            if isinstance(text, str):
                kind = known.get((slug_of(pose), text))
                marked += kind is None
                benefits[index] = {"text": text, "kind": kind or Benefit.Kind.TRADITIONAL}
    return marked


def skip_avoid_notes_without_substitute(poses):
    """An avoid note that offered nothing instead told the student to skip the pose."""
    skipped = 0
    for pose in poses:
        for note in items(pose, "safety_notes"):
            if note.get("kind") == SafetyNote.Kind.AVOID and note.get("substitute") is None:
                note["no_substitute"] = True
                skipped += 1
    return skipped


def counterposes_from_related(poses):
    """A related pose of kind "counterpose" becomes a counterpose of the pose listing it.

    Version 1 counterposes were symmetric and listed on both poses, so a whole library
    gets both directions, as migration 0011 gave the library itself. One the library has
    keeps its reason, which version 1 could not carry.
    """
    reasons = {pair: link["reason"] for pair, link in counterposes_in_library(poses).items()}
    converted = 0
    for pose in poses:
        if not isinstance(pose.get("related"), list):
            continue
        counterposes = [
            {
                "reason": reasons.get((slug_of(pose), slug_of(link, "pose")), ""),
                **{key: value for key, value in link.items() if key != "kind"},
            }
            for link in items(pose, "related")
            if link.get("kind") == "counterpose"
        ]
        pose["related"] = [
            link
            for link in pose["related"]
            if not (isinstance(link, dict) and link.get("kind") == "counterpose")
        ]
        # The related list said everything about the pose's counterposes: none is none.
        pose["counterposes"] = counterposes
        converted += len(counterposes)
    return converted


def names_starting_position(link):
    reason = link.get("reason")
    return isinstance(reason, str) and STARTING_WORDS in reason.lower()


def starting_positions_from_links(poses):
    """A preparatory link that names the starting position becomes the pose's starting
    position, and leaves both lists: the first such link, unless the library gave the pose
    another starting position already (as migration 0009 did)."""
    in_file = {slug_of(pose) for pose in poses}
    linked = {slug_of(link, "pose") for pose in poses for link in items(pose, "follow_ups")}
    starting = dict(
        Pose.objects.filter(slug__in=(in_file | linked) - {None}).values_list(
            "slug", "starting_position__slug"
        )
    )
    converted = set()  # (starting position, pose)
    for pose in poses:
        if "starting_position" in pose:
            continue
        for link in items(pose, "preparatory"):
            start = slug_of(link, "pose")
            if names_starting_position(link) and starting.get(slug_of(pose)) in (None, start):
                pose["starting_position"] = start
                pose["preparatory"].remove(link)
                converted.add((start, slug_of(pose)))
                break
    for pose in poses:
        for link in items(pose, "follow_ups"):
            follow_up = slug_of(link, "pose")
            # A follow-up pose not in the file keeps what the library gave it.
            started_here = (
                (slug_of(pose), follow_up) in converted
                if follow_up in in_file
                else starting.get(follow_up) == slug_of(pose)
            )
            if names_starting_position(link) and started_here:
                pose["follow_ups"].remove(link)
    return len(converted)


def follow_ups_in_library(poses):
    """{(pose, follow-up): link}, in the order of each pose's follow-ups."""
    return {
        (link["preparatory__slug"], link["follow_up__slug"]): link
        for link in PoseLink.objects.filter(preparatory__slug__in=[slug_of(pose) for pose in poses])
        .order_by("position_among_follow_ups", "pk")
        .values("preparatory__slug", "follow_up__slug")
    }


def counterposes_in_library(poses):
    """{(pose, counterpose): link}, in the order of each pose's counterposes."""
    return {
        (link["pose__slug"], link["counterpose__slug"]): link
        for link in Counterpose.objects.filter(pose__slug__in=[slug_of(pose) for pose in poses])
        .order_by("position", "pk")
        .values("pose__slug", "counterpose__slug", "reason")
    }


def keep_library_order(poses, name, in_library):
    """Version 1 files listed follow-ups in no order of the pose's own, and counterposes in
    the related poses' order: those the library has keep their places, new ones go last."""
    order = {pair: index for index, pair in enumerate(in_library)}
    for pose in poses:
        links = pose.get(name)
        if isinstance(links, list):
            links.sort(
                key=lambda link: order.get((slug_of(pose), slug_of(link, "pose")), len(order))
            )
