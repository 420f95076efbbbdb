"""Poses as JSON: one shape for export, import and the open-data pages.

The shape, and how an import is checked, is described in docs/import-export.md.
"""

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC

import reversion
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from poses.cache import library_changed
from poses.exchange_v1 import upgrade_from_version_1
from poses.markdown import MAX_MARKDOWN_LENGTH
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
)

FORMAT = "studio-poses"
VERSION = 2
# Files of an earlier version are converted as they are read (see poses/exchange_v1.py).
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

# A pose's own fields, each with the JSON type it takes.
POSE_FIELDS = {
    "english_name": "text",
    "sanskrit_name": "text",
    "slug": "text",
    "pronunciation": "text",
    "meaning": "text",
    "other_names": "texts",
    "level": "text",
    **dict.fromkeys(TAG_FIELDS, "texts"),
    "hold_min_seconds": "number",
    "hold_max_seconds": "number",
    "summary": "text",
    "introduction": "text",
    "practice_time": "text",
    "closing_notes": "text",
    "image_alt": "text",
    "starting_position": "slug",
    "status": "text",
    "published_at": "datetime",
    "safety_reviewed_at": "date",
    "safety_reviewed_by": "text",
}
# What each item of a pose's lists holds, and the keys it must have.
POSE_LISTS = {
    "steps": {"title": "text", "instruction": "text", "breath_cue": "text", "side": "text"},
    "benefits": {"text": "text", "kind": "text"},
    "safety_notes": {
        "kind": "text",
        "text": "text",
        "conditions": "texts",
        "substitute": "slug",
        "no_substitute": "bool",
    },
    "preparatory": {"pose": "text", "reason": "text"},
    "follow_ups": {"pose": "text", "reason": "text"},
    "counterposes": {"pose": "text", "reason": "text"},
    "related": {"pose": "text", "kind": "text"},
}
REQUIRED = {
    None: ("english_name", "sanskrit_name", "slug"),
    "steps": ("title", "instruction"),
    # A benefit's kind is never guessed: a traditional claim must not pass for a physical fact.
    "benefits": ("text", "kind"),
    "safety_notes": ("text",),
    "preparatory": ("pose",),
    "follow_ups": ("pose",),
    "counterposes": ("pose",),
    "related": ("pose",),
}
# Defaults for what an item leaves out.
ITEM_DEFAULTS = {
    "steps": {"breath_cue": "", "side": ""},
    "safety_notes": {
        "kind": SafetyNote.Kind.CAUTION.value,
        "conditions": [],
        "substitute": None,
        "no_substitute": False,
    },
    "preparatory": {"reason": ""},
    "follow_ups": {"reason": ""},
    "counterposes": {"reason": ""},
    "related": {"kind": RelatedPose.Kind.VARIATION.value},
}
SCALAR_FIELDS = [name for name, kind in POSE_FIELDS.items() if kind != "texts"]
# The scalar fields a pose takes as they are; the others are parsed or looked up.
PLAIN_FIELDS = [name for name, kind in POSE_FIELDS.items() if kind in ("text", "number")]
# The links to other poses in each list (and in each safety note), by slug.
LINKED_SLUGS = {
    "preparatory": "pose",
    "follow_ups": "pose",
    "counterposes": "pose",
    "related": "pose",
    "safety_notes": "substitute",
}
# Each list of links read from the other pose of the link.
MIRRORED_LISTS = {"preparatory": "follow_ups", "follow_ups": "preparatory", "related": "related"}
LIST_NAMES = {
    "preparatory": "preparatory poses",
    "follow_ups": "follow-up poses",
    "related": "related poses",
}
LINK_MODELS = {
    # list: (model, its two ends: this pose's, the listed pose's)
    "preparatory": (PoseLink, ("follow_up", "preparatory")),
    "follow_ups": (PoseLink, ("preparatory", "follow_up")),
    "counterposes": (Counterpose, ("pose", "counterpose")),
    "related": (RelatedPose, ("pose", "related")),
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
        Prefetch(
            "preparatory_links",
            PoseLink.objects.filter(preparatory__in=linked)
            .select_related("preparatory")
            .order_by("position_among_preparatory", "pk"),
        ),
        Prefetch(
            "follow_up_links",
            PoseLink.objects.filter(follow_up__in=linked)
            .select_related("follow_up")
            .order_by("position_among_follow_ups", "pk"),
        ),
        Prefetch(
            "counterpose_links",
            Counterpose.objects.filter(counterpose__in=linked).select_related("counterpose"),
        ),
        Prefetch(
            "related_links",
            RelatedPose.objects.filter(related__in=linked).select_related("related"),
        ),
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
        "steps": [
            {
                "title": step.title,
                "instruction": step.instruction,
                "breath_cue": step.breath_cue,
                "side": step.side,
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


def parse_day(text):
    """An ISO 8601 date, or None."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def parse_moment(text):
    """An ISO 8601 date and time (in the site's time zone if it names none), or None."""
    try:
        moment = parse_datetime(text or "")
    except ValueError:
        return None
    if moment and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


# Import


@dataclass
class ImportProblem:
    pose: str  # the pose's slug, or "poses[3]" when it has none, or "vocabulary", or "file"
    field: str  # a path in the pose such as "steps[2].breath_cue"; "" for the whole pose
    message: str

    def __str__(self):
        where = f"{self.pose}, {self.field}" if self.field else self.pose
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    new_terms: list = field(default_factory=list)
    # What was converted from an older version of the file, to tell whoever imported it.
    conversions: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        summary = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged."
        )
        if self.new_terms:
            summary += f" {len(self.new_terms)} new vocabulary terms."
        if self.conversions:
            summary += " Read as a version 1 file: " + "; ".join(self.conversions) + "."
        return summary


def import_poses_from_text(text, user=None):
    """Import a file's content (str or bytes), which should be JSON."""
    try:
        data = json.loads(text)
    except ValueError as error:
        return ImportResult(errors=[ImportProblem("file", "", f"This is not valid JSON: {error}")])
    return import_poses(data, user=user)


def import_poses(data, user=None):
    """Check everything, then write everything in one transaction, or nothing at all.

    `user`, if given, is named in the history of each pose the import changes.
    """
    return PoseImport(data, user).run()


# Stands for a substitute while a safety note is checked (see check_children()).
SOME_SUBSTITUTE = -1


class PoseImport:
    def __init__(self, data, user=None):
        self.data = data
        self.user = user
        self.result = ImportResult()
        self.known_terms = {section: set() for section in VOCABULARIES}
        self.new_terms = []  # unsaved vocabulary instances from the file
        self.entries = []  # (incoming dict, merged dict, unsaved or changed Pose, existing dict)

    def run(self):
        self.check_file()
        if self.result.ok and self.data["version"] == 1:
            self.data = copy.deepcopy(self.data)
            self.result.conversions = upgrade_from_version_1(self.data)
        if self.result.ok:
            self.check_vocabulary()
            self.check_poses()
        if self.result.ok:
            self.check_both_ends()
        if self.result.ok:
            with transaction.atomic():
                self.write()
            library_changed()
        return self.result

    def error(self, pose, path, message):
        self.result.errors.append(ImportProblem(pose, path, message))

    # Checks

    def check_file(self):
        data = self.data
        if not isinstance(data, dict):
            self.error("file", "", "Expected a JSON object with “format”, “version” and “poses”.")
            return
        for key in data.keys() - {"format", "version", "vocabulary", "poses"}:
            self.error("file", key, "Unknown key.")
        if data.get("format") != FORMAT:
            self.error("file", "format", f"Expected “{FORMAT}”.")
        version = data.get("version")
        if version not in READABLE_VERSIONS or isinstance(version, bool):
            self.error(
                "file",
                "version",
                f"Versions {' and '.join(map(str, READABLE_VERSIONS))} can be read, not "
                f"{json.dumps(version)}.",
            )
        if not isinstance(data.get("poses"), list):
            self.error("file", "poses", "Expected a list of poses.")
        vocabulary = data.get("vocabulary", {})
        if not isinstance(vocabulary, dict):
            self.error("file", "vocabulary", "Expected an object of vocabulary lists.")
            return
        for section, terms in vocabulary.items():
            if section not in VOCABULARIES:
                self.error(
                    "vocabulary", section, f"Unknown; expected one of {', '.join(VOCABULARIES)}."
                )
            elif not isinstance(terms, list):
                self.error("vocabulary", section, "Expected a list of {slug, name} terms.")

    def check_vocabulary(self):
        for section, model in VOCABULARIES.items():
            in_library = set(model.objects.values_list("slug", flat=True))
            self.known_terms[section] = set(in_library)
            seen = {"slug": set(), "name": set()}
            for index, term in enumerate(self.data.get("vocabulary", {}).get(section, [])):
                path = f"{section}[{index}]"
                fields = {"slug": "text", "name": "text"}
                if not self.check_object(term, fields, fields, "vocabulary", path):
                    continue
                for key in seen:
                    if term[key] in seen[key]:
                        self.error("vocabulary", f"{path}.{key}", "Appears more than once.")
                    seen[key].add(term[key])
                if term["slug"] in in_library:
                    continue  # the library's own term is kept as it is
                instance = model(slug=term["slug"], name=term["name"])
                if self.check_model(instance, "vocabulary", path):
                    self.known_terms[section].add(term["slug"])
                    self.new_terms.append(instance)

    def check_poses(self):
        poses = self.data["poses"]
        slugs = {
            pose["slug"]
            for pose in poses
            if isinstance(pose, dict) and isinstance(pose.get("slug"), str)
        }
        existing = {pose.slug: pose for pose in for_exchange(Pose.objects.filter(slug__in=slugs))}
        # Every pose a link may point at: those in the file and those in the library.
        self.pose_slugs = slugs | set(self.linked_slugs_in_library(poses))
        seen = {"slug": set(), "sanskrit_name": set()}
        for index, incoming in enumerate(poses):
            label = f"poses[{index}]"
            if isinstance(incoming, dict) and isinstance(incoming.get("slug"), str):
                label = incoming["slug"]
            if not self.check_pose_shape(incoming, label):
                continue
            for name in seen:
                if incoming[name] in seen[name]:
                    self.error(
                        label, name, f"“{incoming[name]}” appears more than once in the file."
                    )
                seen[name].add(incoming[name])
            self.check_pose(incoming, existing.get(incoming["slug"]), label)

    def linked_slugs_in_library(self, poses):
        """The library's poses among those the file links to."""
        linked = set()
        for pose in poses:
            if not isinstance(pose, dict):
                continue
            if isinstance(pose.get("starting_position"), str):
                linked.add(pose["starting_position"])
            for name, key in LINKED_SLUGS.items():
                items = pose.get(name)
                if isinstance(items, list):
                    linked.update(
                        item[key]
                        for item in items
                        if isinstance(item, dict) and isinstance(item.get(key), str)
                    )
        return Pose.objects.filter(slug__in=linked).values_list("slug", flat=True)

    def check_pose_shape(self, incoming, label):
        """The JSON types of a pose and of everything in it."""
        fields = {**POSE_FIELDS, **dict.fromkeys(POSE_LISTS, "list")}
        if not self.check_object(incoming, fields, REQUIRED[None], label, ""):
            return False
        ok = True
        for name, item_fields in POSE_LISTS.items():
            for index, item in enumerate(incoming.get(name, [])):
                path = f"{name}[{index}]"
                ok = self.check_object(item, item_fields, REQUIRED[name], label, path) and ok
        return ok

    def check_object(self, value, fields, required, label, path):
        """A JSON object with only these fields, each of its type, and the required ones."""
        where = f"{path}." if path else ""
        if not isinstance(value, dict):
            self.error(label, path, "Expected an object.")
            return False
        ok = True
        for key in value.keys() - fields.keys():
            self.error(label, f"{where}{key}", "Unknown field.")
            ok = False
        for key in required:
            if key not in value:
                self.error(label, f"{where}{key}", "This field is required.")
                ok = False
        for key, kind in fields.items():
            if key in value:
                ok = self.check_type(value[key], kind, label, f"{where}{key}") and ok
        return ok

    def check_type(self, value, kind, label, path):
        expected = {
            "text": (str, "a string"),
            "texts": (list, "a list of strings"),
            "list": (list, "a list"),
            "number": ((int, type(None)), "a whole number or null"),
            "datetime": ((str, type(None)), "a date and time (ISO 8601) or null"),
            "date": ((str, type(None)), "a date (ISO 8601) or null"),
            "slug": ((str, type(None)), "a pose's slug or null"),
            "bool": (bool, "true or false"),
        }[kind]
        python_type, description = expected
        valid = isinstance(value, python_type) and (kind == "bool" or not isinstance(value, bool))
        if kind == "texts" and valid:
            valid = all(isinstance(item, str) for item in value)
        if kind == "datetime" and valid and value is not None and parse_moment(value) is None:
            self.error(
                label, path, f"“{value}” is not a date and time such as 2025-01-31T09:00:00Z."
            )
            return False
        if kind == "date" and valid and value is not None and parse_day(value) is None:
            self.error(label, path, f"“{value}” is not a date such as 2025-01-31.")
            return False
        if not valid:
            self.error(label, path, f"Expected {description}, not {json.dumps(value)}.")
        return valid

    def check_pose(self, incoming, existing, label):
        before = pose_to_dict(existing) if existing else None
        merged = {**(before or new_pose_dict()), **normalised(incoming)}
        if (
            merged["status"] == Pose.Status.PUBLISHED
            and merged["published_at"] is None
            and before
            and before["published_at"]
        ):
            # Left empty, a published pose keeps the moment it was first published.
            merged["published_at"] = before["published_at"]
        pose = existing or Pose()
        for name in PLAIN_FIELDS:
            setattr(pose, name, merged[name])
        pose.published_at = parse_moment(merged["published_at"])
        pose.safety_reviewed_at = parse_day(merged["safety_reviewed_at"])
        pose.other_names = "\n".join(merged["other_names"])
        # The starting position is checked by slug, like every link: it may be new in the file.
        self.check_model(pose, label, "", "starting_position")
        for name, section in TAG_FIELDS.items():
            self.check_terms(merged[name], section, label, name)
        changed = changed_parts(before, merged)
        if "starting_position" in changed and merged["starting_position"] is not None:
            self.check_pose_slug(
                merged["starting_position"],
                merged["slug"],
                label,
                "starting_position",
                "A pose cannot be its own starting position.",
            )
        self.check_children(merged, label, changed)
        self.check_links(merged, label, changed)
        self.entries.append((incoming, merged, pose, before))

    def check_children(self, merged, label, changed):
        """Steps, benefits and safety notes, where the file changes them."""
        for index, step in enumerate(merged["steps"] if "steps" in changed else []):
            self.check_model(Step(position=index + 1, **step), label, f"steps[{index}]", "pose")
        for index, benefit in enumerate(merged["benefits"] if "benefits" in changed else []):
            self.check_model(
                Benefit(position=index + 1, **benefit), label, f"benefits[{index}]", "pose"
            )
        for index, note in enumerate(merged["safety_notes"] if "safety_notes" in changed else []):
            path = f"safety_notes[{index}]"
            instance = SafetyNote(
                position=index + 1,
                kind=note["kind"],
                text=note["text"],
                no_substitute=note["no_substitute"],
                # SafetyNote.clean() asks only whether there is a substitute, and the file's
                # may be new, without an id yet: any id stands for it here.
                substitute_id=SOME_SUBSTITUTE if note["substitute"] is not None else None,
            )
            self.check_model(instance, label, path, "pose", "substitute")
            self.check_terms(note["conditions"], "conditions", label, f"{path}.conditions")
            if note["substitute"] is not None:
                self.check_pose_slug(
                    note["substitute"],
                    merged["slug"],
                    label,
                    f"{path}.substitute",
                    "A pose cannot be its own substitute.",
                )

    def check_links(self, merged, label, changed):
        for name, (model, ends) in LINK_MODELS.items():
            if name not in changed:
                continue
            seen = set()
            for index, link in enumerate(merged[name]):
                path = f"{name}[{index}]"
                self.check_pose_slug(
                    link["pose"],
                    merged["slug"],
                    label,
                    f"{path}.pose",
                    "A pose cannot be linked to itself.",
                )
                if link["pose"] in seen:
                    self.error(label, f"{path}.pose", f"“{link['pose']}” is listed twice.")
                seen.add(link["pose"])
                if name == "related" and link["kind"] == "counterpose":
                    self.error(
                        label,
                        f"{path}.kind",
                        "A counterpose is no longer a kind of related pose: list it under "
                        "“counterposes”, which say which pose balances which.",
                    )
                    continue
                fields = {key: value for key, value in link.items() if key != "pose"}
                self.check_model(model(**fields), label, path, *ends)

    def check_pose_slug(self, slug, own_slug, label, path, own_message):
        if slug == own_slug:
            self.error(label, path, own_message)
        elif slug not in self.pose_slugs:
            self.error(label, path, f"No pose “{slug}”, in this file or in the library.")

    def check_terms(self, slugs, section, label, path):
        unknown = sorted(set(slugs) - self.known_terms[section])
        if unknown:
            name = VOCABULARIES[section]._meta.verbose_name
            self.error(
                label,
                path,
                f"Unknown {name} {', '.join(f'“{slug}”' for slug in unknown)}: add it to the "
                f"file's vocabulary section or to the library first.",
            )

    def check_model(self, instance, label, path, *exclude):
        """The model's own validation; each message goes to the field it concerns."""
        problems = {}
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            problems = error.error_dict
        # The admin's forms hold Markdown to its max_length, which the model does not check.
        for name in getattr(instance, "MARKDOWN_FIELDS", ()):
            try:
                MaxLengthValidator(MAX_MARKDOWN_LENGTH)(getattr(instance, name))
            except ValidationError as error:
                problems.setdefault(name, []).append(error)
        for name, errors in problems.items():
            where = path
            if name != NON_FIELD_ERRORS:
                where = f"{path}.{name}" if path else name
            for error in errors:
                self.error(label, where, readable(instance, name, error))
        return not problems

    def check_both_ends(self):
        """A link between two poses of the file must read the same from both of them."""
        listed = {incoming["slug"]: normalised(incoming) for incoming, *_ in self.entries}
        for slug, pose in listed.items():
            for name, mirror in MIRRORED_LISTS.items():
                for index, link in enumerate(pose.get(name, [])):
                    other = listed.get(link["pose"])
                    if other is None or mirror not in other:
                        continue
                    there = {item["pose"]: item for item in other[mirror]}
                    path = f"{name}[{index}]"
                    if slug not in there:
                        self.error(
                            slug,
                            path,
                            f"“{link['pose']}” is in this file too, but does not list "
                            f"“{slug}” among its {LIST_NAMES[mirror]}.",
                        )
                    elif there[slug] | {"pose": slug} != link | {"pose": slug}:
                        self.error(
                            slug,
                            path,
                            f"“{link['pose']}” lists this link among its {LIST_NAMES[mirror]} "
                            f"differently: {json.dumps(there[slug], ensure_ascii=False)}.",
                        )

    # Writing

    def write(self):
        for term in self.new_terms:
            term.save()
            self.result.new_terms.append(term.slug)
        changed = []
        for incoming, merged, pose, before in self.entries:
            if before is not None and comparable(before) == comparable(merged):
                self.result.unchanged.append(pose.slug)
                continue
            if before is None:
                pose.save()  # now, so that the file's other poses can link to it
            (self.result.updated if before else self.result.created).append(pose.slug)
            changed.append((incoming, merged, pose))
        poses = {pose.slug: pose for pose in Pose.objects.filter(slug__in=self.pose_slugs)}
        for incoming, merged, pose in changed:
            # One revision a pose, as when a teacher saves it, so its history can undo this.
            with reversion.create_revision():
                reversion.set_user(self.user)
                reversion.set_comment("Imported from a file.")
                self.write_pose(pose, incoming, merged, poses)

    def write_pose(self, pose, incoming, merged, poses):
        for name, section in TAG_FIELDS.items():
            model = VOCABULARIES[section]
            getattr(pose, name).set(model.objects.filter(slug__in=merged[name]))
        if "starting_position" in incoming:
            pose.starting_position = poses.get(merged["starting_position"])
        pose.save()
        if "steps" in incoming:
            self.write_steps(pose, merged["steps"])
        if "benefits" in incoming:
            pose.benefits.all().delete()
            for position, benefit in enumerate(merged["benefits"], start=1):
                Benefit(pose=pose, position=position, **benefit).save()
        if "safety_notes" in incoming:
            self.write_safety_notes(pose, merged["safety_notes"], poses)
        if "preparatory" in incoming:
            self.write_preparatory(pose, merged["preparatory"], poses)
        if "follow_ups" in incoming:
            self.write_follow_ups(pose, merged["follow_ups"], poses)
        if "counterposes" in incoming:
            self.write_counterposes(pose, merged["counterposes"], poses)
        if "related" in incoming:
            self.write_related(pose, merged["related"], poses)

    def write_steps(self, pose, steps):
        pose.steps.all().delete()
        for position, step in enumerate(steps, start=1):
            Step(pose=pose, position=position, **step).save()

    def write_safety_notes(self, pose, notes, poses):
        pose.safety_notes.all().delete()
        for position, note in enumerate(notes, start=1):
            instance = SafetyNote(
                pose=pose,
                position=position,
                kind=note["kind"],
                text=note["text"],
                substitute=poses.get(note["substitute"]),
                no_substitute=note["no_substitute"],
            )
            instance.save()
            instance.conditions.set(Condition.objects.filter(slug__in=note["conditions"]))

    def write_preparatory(self, pose, links, poses):
        wanted = [link["pose"] for link in links]
        pose.preparatory_links.exclude(preparatory__slug__in=wanted).delete()
        for position, link in enumerate(links, start=1):
            PoseLink.objects.update_or_create(
                preparatory=poses[link["pose"]],
                follow_up=pose,
                defaults={"position_among_preparatory": position, "reason": link["reason"]},
            )

    def write_follow_ups(self, pose, links, poses):
        wanted = [link["pose"] for link in links]
        pose.follow_up_links.exclude(follow_up__slug__in=wanted).delete()
        for position, link in enumerate(links, start=1):
            follow_up = poses[link["pose"]]
            # A new link goes last among the preparatory poses of the pose it leads to.
            last = follow_up.preparatory_links.order_by("-position_among_preparatory").first()
            PoseLink.objects.update_or_create(
                preparatory=pose,
                follow_up=follow_up,
                defaults={"reason": link["reason"], "position_among_follow_ups": position},
                create_defaults={
                    "reason": link["reason"],
                    "position_among_follow_ups": position,
                    "position_among_preparatory": last.position_among_preparatory + 1
                    if last
                    else 1,
                },
            )

    def write_counterposes(self, pose, links, poses):
        wanted = [link["pose"] for link in links]
        pose.counterpose_links.exclude(counterpose__slug__in=wanted).delete()
        for position, link in enumerate(links, start=1):
            Counterpose.objects.update_or_create(
                pose=pose,
                counterpose=poses[link["pose"]],
                defaults={"position": position, "reason": link["reason"]},
            )

    def write_related(self, pose, links, poses):
        wanted = {link["pose"]: link["kind"] for link in links}
        for related in pose.related_links.select_related("related"):
            kind = wanted.pop(related.related.slug, None)
            if kind is None:
                related.delete()  # and its mirror
            elif kind != related.kind:
                related.kind = kind
                related.save()  # and its mirror
        for slug, kind in wanted.items():
            RelatedPose(pose=pose, related=poses[slug], kind=kind).save()


def new_pose_dict():
    """What a new pose has before the file's fields are laid over it."""
    defaults = {name: Pose._meta.get_field(name).get_default() for name in SCALAR_FIELDS}
    return {
        **defaults,
        **{name: [] for name in POSE_FIELDS.keys() - defaults.keys()},
        **{name: [] for name in POSE_LISTS},
    }


def normalised(incoming):
    """The file's values in the form pose_to_dict() gives them, defaults filled in."""
    pose = dict(incoming)
    if "other_names" in pose:
        pose["other_names"] = [name.strip() for name in pose["other_names"] if name.strip()]
    for name in TAG_FIELDS:
        if name in pose:
            pose[name] = sorted(set(pose[name]))
    if "published_at" in pose:
        pose["published_at"] = iso_datetime(parse_moment(pose["published_at"]))
    for name, defaults in ITEM_DEFAULTS.items():
        if name in pose:
            pose[name] = [{**defaults, **item} for item in pose[name]]
    for note in pose.get("safety_notes", []):
        note["conditions"] = sorted(set(note["conditions"]))
    return pose


def comparable(pose):
    """Related poses are stored without an order of their own."""
    return {**pose, "related": sorted(pose["related"], key=lambda link: link["pose"])}


def changed_parts(before, merged):
    """The lists, and the starting position, that an import would change.

    Only these are checked: what a file restates as the library has it cannot fail an
    import, even where it predates a newer rule (an avoid note without a substitute).
    """
    names = [*POSE_LISTS, "starting_position"]
    if before is None:
        return set(names)
    before, merged = comparable(before), comparable(merged)
    return {name for name in names if before[name] != merged[name]}


def readable(instance, name, problem):
    """Django's message, except that a wrong choice also lists the right ones."""
    if problem.code == "invalid_choice":
        choices = ", ".join(str(value) for value, _ in instance._meta.get_field(name).flatchoices)
        return f"“{problem.params['value']}” is not one of {choices}."
    return " ".join(problem.messages)
