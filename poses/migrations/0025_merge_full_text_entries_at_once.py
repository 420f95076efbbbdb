"""PostgreSQL's GIN indexes of the full-text search take each pose's words at once.

With GIN's default `fastupdate`, new entries wait in a pending list until a VACUUM merges
them. After a bulk import (10,000 poses) the list held every pose, and the planner, pricing
the index by it, chose to read every pose's stored words instead (45 ms a query at 10,000
poses, several queries a search, against 1-4 ms through the index). A pose library is
written rarely and read often: entries go into the index as they are written, and whatever
waits in the lists now is merged. SQLite's FTS5 has no such list: nothing to do there.
"""

from django.db import migrations

INDEXES = ("poses_pose_search_vector", "poses_pose_search_names_trigrams")


def merge_at_once(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def keep_pending_lists(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX {index} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0024_count_searches_left_without_opening_a_result"),
    ]

    operations = [
        migrations.RunPython(merge_at_once, keep_pending_lists),
    ]
