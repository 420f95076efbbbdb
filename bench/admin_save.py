"""What one admin save costs: a pose whose 8 steps are dragged into reverse order.

Run: .venv/bin/pytest -q -s bench/admin_save.py  (prints SQL queries, re-indexes, cache writes)
"""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from poses.models import Pose
from tests.admin_forms import admin_post_data, change_url, pose_fields, step_row
from tests.factories import make_pose, make_staff, make_step


@pytest.mark.django_db
def test_admin_save_of_eight_reversed_steps(client):
    staff = make_staff("measure", is_superuser=True)
    client.force_login(staff)
    pose = make_pose(sanskrit_name="Janusirsasana", slug="janusirsasana")
    steps = [make_step(pose, position) for position in range(1, 9)]
    page = client.get(change_url(pose))
    rows = [step_row(s.title, 9 - s.position, s) for s in steps]
    data = admin_post_data(page, pose_fields(pose), {"steps": rows})

    reindexed = mock.Mock(wraps=Pose.index_for_search, autospec=True)
    backend = caches["default"]
    writes = {name: mock.Mock(wraps=getattr(backend, name)) for name in ("set", "add", "delete")}
    with (
        mock.patch.object(Pose, "index_for_search", lambda self: reindexed(self)),
        mock.patch.multiple(backend, **writes),
        CaptureQueriesContext(connection) as queries,
        TestCase.captureOnCommitCallbacks(execute=True),  # the commit, as in production
    ):
        response = client.post(change_url(pose), data)
    assert response.status_code == 302
    assert list(pose.steps.values_list("title", flat=True)) == [s.title for s in reversed(steps)]
    cache_writes = sum(m.call_count for m in writes.values())
    print(
        f"\nadmin save, 8 steps reversed: {len(queries)} SQL queries, "
        f"{reindexed.call_count} re-indexes, {cache_writes} cache writes"
    )
