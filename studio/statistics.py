"""The database's own picture of its tables, brought up to date after a bulk write.

PostgreSQL's planner chooses by table statistics, which autovacuum refreshes only some time
after rows arrive. Right after thousands of poses are imported it still believes the tables
small, and can plan a search as a loop over every pose (seconds instead of milliseconds).
Commands that write in bulk call `refresh_statistics()` once they have committed. SQLite
keeps no statistics unless asked and plans by fixed guesses, which once took the list's
index (status first) to read 24 cards by id; the public pages' queries are written so that
those guesses find the right index (`tests/test_query_counts.py` EXPLAINs the list pages'),
so there is nothing to refresh there.
"""

from django.apps import apps
from django.db import connection


def refresh_statistics(app_label="poses"):
    """The statistics of one app's tables (its many-to-many tables included), and, outside
    a transaction, their visibility maps (VACUUM): until a table's pages are marked all
    visible, an index holding every column a query reads still sends it to the table for
    each row (the typo lookup read 1,277 pages for a common word at 10,000 poses, 7.8 ms;
    1.9 ms once vacuumed). Inside a transaction (VACUUM cannot run there) only ANALYZE."""
    if connection.vendor != "postgresql":
        return
    models = apps.get_app_config(app_label).get_models(include_auto_created=True)
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute(f"ANALYZE {tables}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
