import functools
import itertools
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase

from poses.models import Benefit, Pose, SafetyNote, Step

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def make_user(username="student", **overrides):
    return get_user_model().objects.create_user(
        username=username, password="not-a-real-password", **overrides
    )


def make_staff(username="teacher", **overrides):
    return make_user(username=username, is_staff=True, **overrides)


PROJECT_ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides):
    """The environment a production server starts with: debug off, a real secret key, none
    of the test run's overrides. An override of None removes that variable."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "REDIS_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="studio.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        DJANGO_ALLOWED_HOSTS="poses.example.org",
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run_python(*args, **env_overrides):
    """Run `python *args` in the project directory with `production_env(**env_overrides)`."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=production_env(**env_overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


# Reading the pose list as a student sees it (tests/test_search.py, tests/test_filters.py).

from dataclasses import dataclass, field  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402


def load_janusirsasana_fixture():
    """Janusirsasana and the seven poses linked from its page, all published."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("loaddata", settings.BASE_DIR / "fixtures" / "janusirsasana.json", verbosity=0)


@pytest.fixture(scope="module")
def janusirsasana_library(django_db_setup, django_db_blocker):
    """The Janusirsasana fixture, loaded once for a whole test module (loading takes a
    second or two) and rolled back after it; each test still rolls back its own changes."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_janusirsasana_fixture()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def empty_page_cache():
    """No page cached by an earlier test, from data rolled back since."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class PageElement:
    tag: str
    attributes: dict
    pieces: list = field(default_factory=list)
    descendants: list = field(default_factory=list)

    @property
    def text(self):
        """The text inside the element, whitespace collapsed, entities decoded."""
        return " ".join("".join(self.pieces).split())


class _PageElements(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.open = [], []

    def handle_starttag(self, tag, attrs):
        element = PageElement(tag, dict(attrs))
        self.elements.append(element)
        for ancestor in self.open:
            ancestor.descendants.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in reversed(range(len(self.open))):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for element in self.open:
            element.pieces.append(data)


def page_elements(page, tag, class_=None, **attributes):
    """The elements with this tag, CSS class and attributes (aria_label=… for aria-label=…),
    in page order, of a response or inside an element found before."""
    if isinstance(page, PageElement):
        elements = page.descendants
    else:
        parser = _PageElements()
        parser.feed(page.content.decode())
        parser.close()
        elements = parser.elements
    wanted = {name.replace("_", "-"): value for name, value in attributes.items()}
    return [
        element
        for element in elements
        if element.tag == tag
        and (class_ is None or class_ in element.attributes.get("class", "").split())
        and all(element.attributes.get(name) == value for name, value in wanted.items())
    ]


def card_names(response):
    """The Sanskrit names on the page's pose cards, in order."""
    return [element.text for element in page_elements(response, "span", class_="pose-card__name")]


def result_count(response):
    """The number of poses the pose list says it found (“12 poses found.”)."""
    (status,) = page_elements(response, "p", role="status")
    return int(status.text.split()[0])
