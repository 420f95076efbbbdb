"""After a bulk write PostgreSQL's planner knows the tables' new sizes at once, not only
after autovacuum's next pass (which left searches planned as loops over every pose)."""

import pytest
from django.core.management import call_command
from django.db import connection

from studio.statistics import refresh_statistics
from tests.work import counted_work

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


def test_after_a_bulk_write_an_index_answers_without_reading_the_table():
    """PostgreSQL: generate_poses leaves the tables' pages marked all visible (VACUUM), so a
    typo lookup reads its poses from the (key, pose) index alone."""
    call_command("generate_poses", 40, verbosity=0)
    if connection.vendor != "postgresql":
        return  # SQLite reads a covering index without a visibility map
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible, relpages FROM pg_class WHERE relname = 'poses_searchkey'"
        )
        all_visible, pages = cursor.fetchone()
    assert pages > 0
    assert all_visible == pages


def test_the_full_text_index_takes_new_poses_at_once():
    """PostgreSQL: no pending list for a VACUUM to merge, so the planner prices the GIN
    indexes by what they hold and uses them (migration 0025). SQLite: the FTS5 table holds
    each pose as soon as it is written."""
    call_command("generate_poses", 5, verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, reloptions FROM pg_class WHERE relname IN "
                "('poses_pose_search_vector', 'poses_pose_search_names_trigrams')"
            )
            options = dict(cursor.fetchall())
            assert options == {
                "poses_pose_search_vector": ["fastupdate=off"],
                "poses_pose_search_names_trigrams": ["fastupdate=off"],
            }
        else:
            cursor.execute("SELECT count(*) FROM poses_pose_fts")
            assert cursor.fetchone()[0] >= 5


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="FTS5 segments; PostgreSQL's GIN: the test above"
)
def test_after_a_bulk_write_a_full_text_lookup_reads_one_merged_index():
    """SQLite: generate_poses leaves the full-text index merged, so a lookup reads one
    b-tree, not one per segment that the bulk insert wrote."""
    call_command("generate_poses", 1000, verbosity=0)

    def lookup_work():
        with counted_work() as work, connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM poses_pose_fts WHERE poses_pose_fts MATCH 'xqzzyv'")
            cursor.fetchall()
        return work.database

    after_the_import = lookup_work()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO poses_pose_fts(poses_pose_fts) VALUES ('optimize')")
    assert after_the_import == lookup_work()
