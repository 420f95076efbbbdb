"""Makers for the test suite: each makes one row (or a few) with unique names, and takes any
field to change. Every test module makes its rows through these."""

import functools
import itertools

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase

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
from sequences.models import Sequence, SequenceItem

_numbers = itertools.count(1)

PASSWORD = "not-a-real-password"


def committed(make):
    """A maker whose rows are as after their transaction's commit: re-indexed for search,
    cached pages renewed (what production runs on commit; the test's own transaction never
    commits). To see the effect of an edit inside a test, wrap it in
    `django_capture_on_commit_callbacks(execute=True)`."""

    @functools.wraps(make)
    def maker(*args, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return make(*args, **kwargs)

    return maker


@committed
def make_pose(**overrides):
    """A published pose with unique names; pass any field to change it."""
    number = next(_numbers)
    fields = {
        "english_name": f"Test Pose {number}",
        "sanskrit_name": f"Testasana{number}",
        "slug": f"testasana-{number}",
        "status": Pose.Status.PUBLISHED,
    }
    fields.update(overrides)
    return Pose.objects.create(**fields)


def make_draft(**overrides):
    return make_pose(status=Pose.Status.DRAFT, **overrides)


@committed
def make_step(pose, position, **overrides):
    fields = {
        "title": f"Step title {position}",
        "instruction": f"Instruction for step {position}.",
    }
    fields.update(overrides)
    return Step.objects.create(pose=pose, position=position, **fields)


@committed
def make_benefit(pose, position, text=None):
    return Benefit.objects.create(pose=pose, position=position, text=text or f"Benefit {position}")


@committed
def make_safety_note(pose, position, text=None, **overrides):
    return SafetyNote.objects.create(
        pose=pose, position=position, text=text or f"Take care {position}.", **overrides
    )


def make_full_pose(count):
    """A pose with `count` of everything the page shows."""
    pose = make_pose()
    pose.pose_types.add(PoseType.objects.create(name=f"Type {count}", slug=f"type-{count}"))
    pose.styles.add(Style.objects.create(name=f"Style {count}", slug=f"style-{count}"))
    pose.stretches.add(BodyArea.objects.create(name=f"Hips {count}", slug=f"hips-{count}"))
    pose.strengthens.add(BodyArea.objects.create(name=f"Legs {count}", slug=f"legs-{count}"))
    condition = Condition.objects.create(name=f"Knee {count}", slug=f"knee-{count}")
    for n in range(1, count + 1):
        make_step(pose, n, breath_cue="inhale")
        make_benefit(pose, n)
        note = make_safety_note(pose, n, substitute=make_pose())
        note.conditions.add(condition)
        PoseLink.objects.create(
            preparatory=make_pose(), follow_up=pose, position_among_preparatory=n
        )
        PoseLink.objects.create(
            preparatory=pose, follow_up=make_pose(), position_among_follow_ups=n
        )
        Counterpose.objects.create(pose=pose, counterpose=make_pose(), position=n)
        RelatedPose.objects.create(pose=pose, related=make_pose())
    return pose


def make_sequence(*poses, **overrides):
    """A published beginner sequence of these poses, in order, 30 seconds each."""
    number = next(_numbers)
    fields = {
        "title": f"Test class {number}",
        "slug": f"test-class-{number}",
        "status": Sequence.Status.PUBLISHED,
    }
    fields.update(overrides)
    sequence = Sequence.objects.create(**fields)
    for pose in poses:
        make_item(sequence, pose)
    return sequence


def make_item(sequence, pose, **overrides):
    """The next item of the sequence: `pose` held 30 seconds."""
    fields = {"position": sequence.items.count() + 1, "hold_value": 30}
    fields.update(overrides)
    return SequenceItem.objects.create(sequence=sequence, pose=pose, **fields)


def make_user(username="student", **overrides):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **overrides)


def make_staff(username="teacher", **overrides):
    return make_user(username=username, is_staff=True, **overrides)


def make_member(role, username=None):
    """Staff in one of the studio's groups ("Teachers", "Studio staff"), read back from the
    database so that no permission is cached on it."""
    user = make_staff(username=username or role.lower().replace(" ", "-"))
    user.groups.add(Group.objects.get(name=role))
    return get_user_model().objects.get(pk=user.pk)


def make_teacher(username="asha"):
    return make_member("Teachers", username)


def row_counts(*models):
    """Rows in each of these tables, or in every table of the pose library (many-to-many
    tables included)."""
    models = models or apps.get_app_config("poses").get_models(include_auto_created=True)
    return {model._meta.label_lower: model.objects.count() for model in models}
