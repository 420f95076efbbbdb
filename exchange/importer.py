"""Importing a file of poses: everything is checked first, then written at once, or nothing.

docs/import-export.md says what is checked and what an import changes.
"""

import copy
import json
from dataclasses import dataclass, field
from typing import NamedTuple

import reversion
from django.contrib.auth import get_permission_codename
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from exchange.schema import (
    POSE_FIELDS,
    POSE_LISTS,
    SCALAR_FIELDS,
    ExchangeFile,
    PoseRecord,
    Term,
    hostile_structure,
    parse_day,
    parse_moment,
)
from exchange.shape import TAG_FIELDS, VOCABULARIES, for_exchange, iso_datetime, pose_to_dict
from exchange.version1 import upgrade_from_version_1
from poses import fulltext
from poses.models import (
    Benefit,
    Condition,
    Counterpose,
    Pose,
    PoseLink,
    RelatedPose,
    SafetyNote,
    Step,
)
from poses.validators import normalise_name
from studio.cache import library_changed
from studio.statistics import refresh_statistics

# The scalar fields a pose takes as they are; the others are parsed or looked up.
PLAIN_FIELDS = [
    name
    for name in SCALAR_FIELDS
    if name not in ("starting_position", "published_at", "safety_reviewed_at")
]
NAME_FIELDS = ("english_name", "sanskrit_name")


class LinkList(NamedTuple):
    """A pose's list of links to other poses, stored as rows of `model`."""

    model: type[models.Model]
    own_end: str  # the row's field that holds this pose
    other_end: str  # and the one that holds the listed pose
    label: str
    mirror: str | None = None  # the same links read from the listed pose, if they are mirrored


LINK_LISTS = {
    "preparatory": LinkList(
        PoseLink, "follow_up", "preparatory", "preparatory poses", "follow_ups"
    ),
    "follow_ups": LinkList(PoseLink, "preparatory", "follow_up", "follow-up poses", "preparatory"),
    "counterposes": LinkList(Counterpose, "pose", "counterpose", "counterposes"),
    "related": LinkList(RelatedPose, "pose", "related", "related poses", "related"),
}
# The pose's own lists: replaced as a whole, item by item in their order.
CHILD_LISTS = {
    "steps": (Step, "steps"),
    "benefits": (Benefit, "benefits"),
    "safety_notes": (SafetyNote, "precautions"),
}
# The links to other poses in each list (and in each safety note), by slug.
LINKED_SLUGS = {**dict.fromkeys(LINK_LISTS, "pose"), "safety_notes": "substitute"}


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
    errors: list[ImportProblem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    new_terms: list[str] = field(default_factory=list)
    # What was converted from an older version of the file, to tell whoever imported it.
    conversions: list[str] = field(default_factory=list)

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


@dataclass
class Entry:
    """One pose of the file on its way in."""

    label: str  # how problems name it
    incoming: dict  # the file's values, normalised as pose_to_dict() gives them
    merged: dict  # the pose as it will be: the library's (or the defaults), then the file's
    pose: Pose  # unsaved, or the library's with the file's values set
    before: dict | None  # the library's pose, or None for a new one

    @property
    def changed(self):
        return self.before is None or comparable(self.before) != comparable(self.merged)


def import_poses_from_text(text, user=None, progress=None, max_poses=None):
    """Import a file's content (str or bytes), which should be JSON."""
    try:
        data = json.loads(text)
    except RecursionError:
        return ImportResult(
            errors=[ImportProblem("file", "", "Nested far too deeply: not a poses file.")]
        )
    except ValueError as error:
        return ImportResult(errors=[ImportProblem("file", "", f"This is not valid JSON: {error}")])
    return import_poses(data, user=user, progress=progress, max_poses=max_poses)


def import_poses(data, user=None, progress=None, max_poses=None):
    """Check everything, then write everything in one transaction, or nothing at all.

    `user`, if given, is named in the history of each pose the import changes, and may
    change only what the admin's forms would let them change. `progress(done, total)`, if
    given, is told as the poses are written. A file of more than `max_poses` is refused.
    """
    return PoseImport(data, user, progress, max_poses).run()


# Stands for a substitute while a safety note is checked (see check_children()).
SOME_SUBSTITUTE = -1


class PoseImport:
    def __init__(self, data, user=None, progress=None, max_poses=None):
        self.data = data
        self.user = user
        self.progress = progress
        self.max_poses = max_poses
        self.result = ImportResult()
        self.known_terms = {section: set() for section in VOCABULARIES}
        self.new_terms = []  # unsaved vocabulary instances from the file
        self.entries: list[Entry] = []
        self.pose_slugs = set()

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
            fulltext.compact()
            refresh_statistics()
        return self.result

    def error(self, pose, path, message):
        self.result.errors.append(ImportProblem(pose, path, message))

    # Checks

    def check_file(self):
        problem = hostile_structure(self.data)
        if problem:
            self.error("file", "", problem)
            return
        form = ExchangeFile(self.data)
        if not form.is_valid():
            for key, message in form.problems():
                if key is None and not isinstance(self.data, dict):
                    message = "Expected a JSON object with “format”, “version” and “poses”."
                self.error("file", key or "", message)
            return
        count = len(self.data["poses"])
        if self.max_poses is not None and count > self.max_poses:
            self.error(
                "file",
                "poses",
                f"This file has {count:,} poses; here at most {self.max_poses:,} are imported at "
                "a time. Import it with “python manage.py import_poses FILE”, which shows its "
                "progress, or in parts.",
            )
            return
        for section, terms in self.data.get("vocabulary", {}).items():
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
                if not self.check_shape(Term(term), "vocabulary", path):
                    continue
                for key in seen:
                    if term[key] in seen[key]:
                        self.error("vocabulary", f"{path}.{key}", "Appears more than once.")
                    seen[key].add(term[key])
                if term["slug"] in in_library:
                    continue  # the library's own term is kept as it is
                instance = model(slug=term["slug"], name=term["name"])
                if self.check_model(instance, "vocabulary", path):
                    self.check_permission(
                        "add", model, "vocabulary", path, f"add {model._meta.verbose_name_plural}"
                    )
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
        for index, raw in enumerate(poses):
            label = f"poses[{index}]"
            if isinstance(raw, dict) and isinstance(raw.get("slug"), str):
                label = raw["slug"]
            if not self.check_pose_shape(raw, label):
                continue
            incoming = normalised(raw)
            for name in seen:
                if incoming[name] in seen[name]:
                    self.error(
                        label, name, f"“{incoming[name]}” appears more than once in the file."
                    )
                seen[name].add(incoming[name])
            self.check_pose(label, incoming, existing.get(incoming["slug"]))

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
        """The JSON types of a pose and of everything in it, as exchange/schema.py declares."""
        if not self.check_shape(PoseRecord(incoming), label, ""):
            return False
        ok = True
        for name, record in POSE_LISTS.items():
            for index, item in enumerate(incoming.get(name, [])):
                ok = self.check_shape(record(item), label, f"{name}[{index}]") and ok
        return ok

    def check_shape(self, form, label, path):
        if form.is_valid():
            return True
        for key, message in form.problems():
            where = f"{path}.{key}" if path and key else key or path
            self.error(label, where, message)
        return False

    def check_pose(self, label, incoming, existing):
        before = pose_to_dict(existing) if existing else None
        merged = {**(before or new_pose_dict()), **incoming}
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
        entry = Entry(label, incoming, merged, pose, before)
        if not entry.changed:
            self.entries.append(entry)
            return
        # The starting position is checked by slug, like every link: it may be new in the file.
        self.check_model(pose, label, "", "starting_position")
        action = "change" if existing else "add"
        self.check_permission(action, Pose, label, "", f"{action} poses")
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
        self.check_list_permissions(entry, changed)
        self.entries.append(entry)

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
        for name, links in LINK_LISTS.items():
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
                self.check_model(links.model(**fields), label, path, links.own_end, links.other_end)

    def check_list_permissions(self, entry, changed):
        """Each list the file changes, as the admin's inline for it would need: adding,
        changing or removing rows of its model (teachers may only view links)."""
        for name in sorted(changed - {"starting_position"}):
            if name in LINK_LISTS:
                model, label = LINK_LISTS[name].model, LINK_LISTS[name].label
                key = "pose"
            else:
                (model, label), key = CHILD_LISTS[name], None
            before = entry.before[name] if entry.before else []
            # Related poses have no order of their own (see comparable()).
            actions = list_changes(before, entry.merged[name], key, ordered=name != "related")
            for action in ("add", "change", "delete"):
                if actions[action]:
                    self.check_permission(
                        action, model, entry.label, name, f"{action} {label}", actions[action]
                    )

    def check_permission(self, action, model, label, path, what, items=()):
        opts = model._meta
        if self.user is None or self.user.has_perm(
            f"{opts.app_label}.{get_permission_codename(action, opts)}"
        ):
            return
        listed = f" ({', '.join(f'“{item}”' for item in items)})" if items else ""
        self.error(
            label,
            path,
            f"Your account may not {what}{listed}. Leave this as the library has it, or ask "
            "someone who may to import the file.",
        )

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
        for name, errors in problems.items():
            where = path
            if name != NON_FIELD_ERRORS:
                where = f"{path}.{name}" if path else name
            for error in errors:
                self.error(label, where, readable(instance, name, error))
        return not problems

    def check_both_ends(self):
        """A link between two poses of the file must read the same from both of them."""
        listed = {entry.incoming["slug"]: entry.incoming for entry in self.entries}
        for slug, pose in listed.items():
            for name, links in LINK_LISTS.items():
                mirror = links.mirror
                for index, link in enumerate(pose.get(name, []) if mirror else []):
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
                            f"“{slug}” among its {LINK_LISTS[mirror].label}.",
                        )
                    elif there[slug] | {"pose": slug} != link | {"pose": slug}:
                        self.error(
                            slug,
                            path,
                            f"“{link['pose']}” lists this link among its "
                            f"{LINK_LISTS[mirror].label} differently: "
                            f"{json.dumps(there[slug], ensure_ascii=False)}.",
                        )

    # Writing

    def write(self):
        for term in self.new_terms:
            term.save()
            self.result.new_terms.append(term.slug)
        changed = []
        for entry in self.entries:
            if not entry.changed:
                self.result.unchanged.append(entry.pose.slug)
                continue
            if entry.before is None:
                entry.pose.save()  # now, so that the file's other poses can link to it
            (self.result.updated if entry.before else self.result.created).append(entry.pose.slug)
            changed.append(entry)
        poses = {pose.slug: pose for pose in Pose.objects.filter(slug__in=self.pose_slugs)}
        for done, entry in enumerate(changed, start=1):
            # One revision a pose, as when a teacher saves it, so its history can undo this.
            with reversion.create_revision():
                reversion.set_user(self.user)
                reversion.set_comment("Imported from a file.")
                self.write_pose(entry, poses)
            if self.progress:
                self.progress(done, len(changed))

    def write_pose(self, entry, poses):
        pose, incoming, merged = entry.pose, entry.incoming, entry.merged
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
        **{name: [] for name in POSE_FIELDS if name not in defaults},
        **{name: [] for name in POSE_LISTS},
    }


def normalised(incoming):
    """The file's values in the form pose_to_dict() gives them, defaults filled in; names
    composed and without zero-width characters."""
    pose = dict(incoming)
    for name in NAME_FIELDS:
        pose[name] = normalise_name(pose[name])
    if "other_names" in pose:
        names = (normalise_name(name).strip() for name in pose["other_names"])
        pose["other_names"] = [name for name in names if name]
    for name in TAG_FIELDS:
        if name in pose:
            pose[name] = sorted(set(pose[name]))
    if "published_at" in pose:
        pose["published_at"] = iso_datetime(parse_moment(pose["published_at"]))
    for name, record in POSE_LISTS.items():
        if name in pose:
            pose[name] = [{**record.defaults, **item} for item in pose[name]]
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
        return {name for name in names if merged[name]}
    before, merged = comparable(before), comparable(merged)
    return {name for name in names if before[name] != merged[name]}


def list_changes(before, after, key, ordered=True):
    """What turning one list into the other adds, changes and deletes, by the slug of the
    linked pose (`key`) or, for a pose's own steps, benefits and notes, by place."""

    def keyed(items):
        return {
            (item[key] if key else index): (index if ordered else None, item)
            for index, item in enumerate(items)
        }

    old, new = keyed(before), keyed(after)
    return {
        "add": [name for name in new if name not in old],
        "change": [name for name in new if name in old and new[name] != old[name]],
        "delete": [name for name in old if name not in new],
    }


def readable(instance, name, problem):
    """Django's message, except that a wrong choice also lists the right ones."""
    if problem.code == "invalid_choice":
        choices = ", ".join(str(value) for value, _ in instance._meta.get_field(name).flatchoices)
        return f"“{problem.params['value']}” is not one of {choices}."
    return " ".join(problem.messages)
