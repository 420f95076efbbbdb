"""After a bulk write PostgreSQL's planner knows the tables' new sizes at once, not only
after autovacuum's next pass (which left searches planned as loops over every pose)."""

import pytest
from django.core.management import call_command
from django.db import connection

from studio.statistics import refresh_statistics

pytestmark = pytest.mark.django_db(transaction=True)


def planner_rows(table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0]
    return None


def test_generating_poses_leaves_the_planner_knowing_how_many_there_are():
    call_command("generate_poses", 40, verbosity=0)
    if connection.vendor == "postgresql":
        assert planner_rows("poses_pose") >= 40
        assert planner_rows("poses_step") >= 40 * 8
    else:
        refresh_statistics()  # nothing to do on SQLite, and nothing breaks
