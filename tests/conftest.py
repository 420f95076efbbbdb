import itertools

import pytest
from django.contrib.auth import get_user_model

from poses.models import Benefit, Pose, SafetyNote, Step

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def make_step(pose, position, **overrides):
    fields = {
        "title": f"Step title {position}",
        "instruction": f"Instruction for step {position}.",
    }
    fields.update(overrides)
    return Step.objects.create(pose=pose, position=position, **fields)


def make_benefit(pose, position, text=None):
    return Benefit.objects.create(pose=pose, position=position, text=text or f"Benefit {position}")


def make_safety_note(pose, position, text=None, **overrides):
    return SafetyNote.objects.create(
        pose=pose, position=position, text=text or f"Take care {position}.", **overrides
    )


def make_user(username="student", **overrides):
    return get_user_model().objects.create_user(
        username=username, password="not-a-real-password", **overrides
    )


def make_staff(username="teacher", **overrides):
    return make_user(username=username, is_staff=True, **overrides)
