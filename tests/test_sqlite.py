"""SQLite, the embedded default, under two web processes saving at once.

Each save runs in its own Python process against one database file, as two gunicorn workers
do; the settings are the site's own (studio/settings.py).
"""

import subprocess
import sys
import time

import pytest

from tests.conftest import PROJECT_ROOT, production_env, run_python

# Reads the pose, then saves it, in one transaction, as the admin's change form does; the
# two processes start their transactions at the same moment and overlap.
SAVE_POSE = """
import os, time
from django.db import transaction
from poses.models import Pose

start, name = float(os.environ["SAVE_AT"]), os.environ["SAVE_AS"]
time.sleep(max(0, start - time.time()))
with transaction.atomic():
    pose = Pose.objects.get(slug="dandasana")
    time.sleep(0.3)
    pose.summary = f"Saved by {name}."
    pose.save()
print("saved")
"""

MAKE_POSE = """
from poses.models import Pose
Pose.objects.create(english_name="Staff Pose", sanskrit_name="Dandasana", slug="dandasana")
"""

READ_SETTINGS = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print("journal_mode", cursor.fetchone()[0])
    cursor.execute("PRAGMA busy_timeout")
    print("busy_timeout", cursor.fetchone()[0])
"""


@pytest.fixture
def database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'studio.sqlite3'}"
    result = run_python("manage.py", "migrate", "--verbosity=0", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    result = run_python("manage.py", "shell", "-c", MAKE_POSE, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    return url


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(database_url):
    result = run_python("manage.py", "shell", "-c", READ_SETTINGS, DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert "journal_mode wal" in result.stdout
    assert "busy_timeout 20000" in result.stdout


def save_at_once(database_url):
    """Two processes save the same pose at the same moment; assert both succeed."""
    start = str(time.time() + 3)  # after both processes have started Django
    savers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", SAVE_POSE],
            cwd=PROJECT_ROOT,
            env=production_env(DATABASE_URL=database_url, SAVE_AT=start, SAVE_AS=name),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("Ana", "Ben")
    ]
    for saver in savers:
        stdout, stderr = saver.communicate(timeout=60)
        assert "database is locked" not in stderr
        assert saver.returncode == 0, stderr
        assert stdout.splitlines()[-1] == "saved"


def test_two_simultaneous_saves_of_one_pose_both_succeed(database_url):
    save_at_once(database_url)
