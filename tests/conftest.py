"""The suite's fixtures. Makers live in tests/factories.py, admin form filling in
tests/admin_forms.py, page reading in tests/pages.py."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_page_cache():
    """No test sees a page cached by another, from data rolled back since."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def move_clock(monkeypatch):
    """Move the clock forward to a given moment: the site's (what is published by then) and
    the wall clock that cached entries expire by."""

    def move_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        monkeypatch.setattr(time, "time", moment.timestamp)

    return move_to


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
