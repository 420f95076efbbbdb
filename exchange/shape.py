"""The exchange shape: one JSON shape for export, import and /poses/<slug>.json.

docs/import-export.md describes it field by field.
"""

from datetime import UTC

from django.db.models import Prefetch

from poses.models import (
    BodyArea,
    Condition,
    Pose,
    PoseQuerySet,
    PoseType,
    SafetyNote,
    Style,
)

FORMAT = "studio-poses"
VERSION = 2
# Files of an earlier version are converted as they are read (see exchange/version1.py).
READABLE_VERSIONS = (1, 2)

VOCABULARIES = {
    "pose_types": PoseType,
    "styles": Style,
    "body_areas": BodyArea,
    "conditions": Condition,
}
# The pose fields that hold vocabulary slugs, and the vocabulary each draws from.
TAG_FIELDS = {
    "pose_types": "pose_types",
    "styles": "styles",
    "stretches": "body_areas",
    "strengthens": "body_areas",
}


# Export


def for_exchange(poses, public=False):
    """Prefetch what pose_to_dict() reads. `public`: leave out links to unpublished poses."""
    linked = Pose.objects.published() if public else Pose.objects.all()
    return poses.prefetch_related(
        Prefetch("starting_position", linked.only("slug")),
        "pose_types",
        "styles",
        "stretches",
        "strengthens",
        "steps",
        "benefits",
        Prefetch(
            "safety_notes",
            SafetyNote.objects.prefetch_related(
                "conditions", Prefetch("substitute", linked.only("slug"))
            ),
        ),
        *PoseQuerySet.link_prefetches(published_only=public),
    )


def pose_to_dict(pose):
    """One pose (from for_exchange()) in the exchange shape: its fields, children and links,
    by slug."""
    return {
        "english_name": pose.english_name,
        "sanskrit_name": pose.sanskrit_name,
        "slug": pose.slug,
        "pronunciation": pose.pronunciation,
        "meaning": pose.meaning,
        "other_names": pose.other_names_list(),
        "level": pose.level,
        **{name: sorted(term.slug for term in getattr(pose, name).all()) for name in TAG_FIELDS},
        "hold_min_seconds": pose.hold_min_seconds,
        "hold_max_seconds": pose.hold_max_seconds,
        "summary": pose.summary,
        "introduction": pose.introduction,
        "practice_time": pose.practice_time,
        "closing_notes": pose.closing_notes,
        "image_alt": pose.image_alt,
        "starting_position": pose.starting_position.slug if pose.starting_position else None,
        "status": pose.status,
        "published_at": iso_datetime(pose.published_at),
        "safety_reviewed_at": iso_date(pose.safety_reviewed_at),
        "safety_reviewed_by": pose.safety_reviewed_by,
        "figure": pose.figure,
        "steps": [
            {
                "title": step.title,
                "instruction": step.instruction,
                "breath_cue": step.breath_cue,
                "side": step.side,
                "figure": step.figure,
            }
            for step in pose.steps.all()
        ],
        "benefits": [
            {"text": benefit.text, "kind": benefit.kind} for benefit in pose.benefits.all()
        ],
        "safety_notes": [
            {
                "kind": note.kind,
                "text": note.text,
                "conditions": sorted(condition.slug for condition in note.conditions.all()),
                "substitute": note.substitute.slug if note.substitute else None,
                "no_substitute": note.no_substitute,
            }
            for note in pose.safety_notes.all()
        ],
        "preparatory": [
            {"pose": link.preparatory.slug, "reason": link.reason}
            for link in pose.preparatory_links.all()
        ],
        "follow_ups": [
            {"pose": link.follow_up.slug, "reason": link.reason}
            for link in pose.follow_up_links.all()
        ],
        "counterposes": [
            {"pose": link.counterpose.slug, "reason": link.reason}
            for link in pose.counterpose_links.all()
        ],
        "related": [
            {"pose": link.related.slug, "kind": link.kind} for link in pose.related_links.all()
        ],
    }


def export_poses(poses, public=False):
    """The poses, and the vocabulary terms they use, in the exchange shape."""
    poses = list(for_exchange(poses, public=public))
    terms = {section: {} for section in VOCABULARIES}
    for pose in poses:
        for name, section in TAG_FIELDS.items():
            terms[section].update((term.slug, term.name) for term in getattr(pose, name).all())
        for note in pose.safety_notes.all():
            terms["conditions"].update((term.slug, term.name) for term in note.conditions.all())
    return {
        "format": FORMAT,
        "version": VERSION,
        "vocabulary": {
            section: [{"slug": slug, "name": name} for slug, name in sorted(found.items())]
            for section, found in terms.items()
        },
        "poses": [pose_to_dict(pose) for pose in poses],
    }


def iso_datetime(moment):
    return moment.astimezone(UTC).isoformat() if moment else None


def iso_date(day):
    return day.isoformat() if day else None
