"""PostgreSQL: the words of a pose's names, and of its names and tags, in tsvectors of their
own with their own GIN indexes (poses/fulltext.py, VECTOR_OF_COLUMNS).

A search asks for its words in the names only, and in the names and tags, to rank its
matches. Asked of the whole `search_vector` with weights (`stretch:A`), the GIN index, which
keeps no weights, returns every pose with the word anywhere, and each must then be read
whole to check where the word is: 46 ms a query at 10,000 poses. Small vectors of those
columns alone answer from the index (a few ms). SQLite's FTS5 filters by column in its own
index: nothing to do there.
"""

from django.db import migrations

# As written then (poses/fulltext.py keeps the column names): a migration runs the same
# whatever the module becomes.
NAMES_VECTORS = {
    "names_vector": "to_tsvector('english'::regconfig, search_names)",
    "names_tags_vector": "to_tsvector('english'::regconfig, search_names) || "
    "to_tsvector('english'::regconfig, search_tags)",
}


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column, expression in NAMES_VECTORS.items():
        schema_editor.execute(
            f"ALTER TABLE poses_pose ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX poses_pose_{column} ON poses_pose USING gin ({column}) "
            "WITH (fastupdate = off)"
        )


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in NAMES_VECTORS:
        schema_editor.execute(f"ALTER TABLE poses_pose DROP COLUMN IF EXISTS {column}")


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0025_merge_full_text_entries_at_once"),
    ]

    operations = [
        migrations.RunPython(add_vectors, drop_vectors),
    ]
