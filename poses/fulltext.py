"""Full-text search on each database's own engine, over the words poses/search.py stores.

A pose keeps three columns of plain words: `search_names`, `search_tags` and `search_text`.

- SQLite: an FTS5 table over those columns (`poses_pose_fts`, external content, kept in step
  by triggers), with the Porter stemmer.
- PostgreSQL: a stored generated tsvector column `search_vector` (names weight A, tags B,
  text D, English stemming) with a GIN index.

Both live in migrations (0016), not in the model: Django knows neither the FTS5 table nor
the tsvector column. Both answer the same question, once per query whatever the library's
size: the ids of the poses with the words, in any column or only in some. Ranking is by
which columns hold the words (PoseQuerySet.search), not by a per-row score: bm25 or ts_rank
computed for each of thousands of matches cost seconds at 10,000 poses.
"""

from contextlib import contextmanager

from django.db import NotSupportedError, connection, transaction
from django.db.models.expressions import RawSQL

from poses.search import Term

FTS_TABLE = "poses_pose_fts"
TS_CONFIG = "english"
# Each column's weight in PostgreSQL's tsvector.
WEIGHTS = {"search_names": "A", "search_tags": "B", "search_text": "D"}
# PostgreSQL: the columns a search most often keeps to, in tsvectors of their own (migration
# 0026), so that the GIN index answers without reading each pose's whole vector.
VECTOR_OF_COLUMNS = {
    ("search_names",): "names_vector",
    ("search_names", "search_tags"): "names_tags_vector",
}


def fts5_query(terms: list[Term], *, columns=None, match_all=True) -> str:
    """FTS5 syntax: ("word" OR "a phrase") AND … ; every word is [a-z0-9]+ already."""

    def alternatives(term):
        return "(" + " OR ".join('"' + " ".join(phrase) + '"' for phrase in term.alternatives) + ")"

    joined = (" AND " if match_all else " OR ").join(map(alternatives, terms))
    return f"{{{' '.join(columns)}}} : ({joined})" if columns else joined


def tsquery(terms: list[Term], *, columns=None, match_all=True) -> str:
    """to_tsquery syntax: (word | a <-> phrase) & … ; a weight (`:AB`) keeps to columns."""
    weight = ":" + "".join(WEIGHTS[column] for column in columns) if columns else ""

    def alternatives(term):
        phrases = (" <-> ".join(word + weight for word in phrase) for phrase in term.alternatives)
        return "(" + " | ".join(phrases) + ")"

    return (" & " if match_all else " | ").join(map(alternatives, terms))


@contextmanager
def postgresql_setting(name, value):
    """PostgreSQL: a setting changed for the queries within, which run in one transaction
    (`SET LOCAL`: it ends with the transaction, even behind a pooler that hands each
    transaction its own server connection)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [name, str(value)])
        yield


@contextmanager
def through_the_index():
    """PostgreSQL: within, full-text matches are planned through the GIN index.

    The planner prices matching a pose's stored tsvector like comparing two numbers, so for
    words in a fifth of the library it reads every pose's words (45 ms a query at 10,000
    poses, several queries a search) rather than the index (2-6 ms). Used around the
    queries of a search that read ids by words or among a few poses by id, never around a
    count over the library. SQLite plans FTS5 lookups well: nothing to do there.
    """
    if connection.vendor != "postgresql" or getattr(connection, "through_the_index", False):
        yield  # nothing to do, or done by an enclosing block already
        return
    with postgresql_setting("enable_seqscan", "off"):
        connection.through_the_index = True
        try:
            yield
        finally:
            connection.through_the_index = False


def matching_ids(terms: list[Term], *, columns=None, match_all=True) -> RawSQL:
    """A subquery of the ids of poses with every term (or any, unless match_all), in any
    column or only in those named."""
    if connection.vendor == "sqlite":
        return RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            (fts5_query(terms, columns=columns, match_all=match_all),),
        )
    if connection.vendor == "postgresql":
        vector = VECTOR_OF_COLUMNS.get(tuple(columns or ()))
        if vector:  # a vector of those columns alone: no weights to check
            columns = None
        return RawSQL(
            f"SELECT id FROM poses_pose WHERE {vector or 'search_vector'} "
            "@@ to_tsquery(%s::regconfig, %s)",
            (TS_CONFIG, tsquery(terms, columns=columns, match_all=match_all)),
        )
    raise NotSupportedError(f"No full-text search on {connection.vendor}.")


def word_sets(terms: list[Term], *, match_all=True):
    """(anywhere, in_names, tagged): the ids of the poses with every term (or any, unless
    match_all) in any column, in their names, and in their names or tags. SQLite: three
    lookups in the FTS5 index, which holds the ids. PostgreSQL: one pass over the matches,
    testing the names' and the names and tags' vectors on each row it reads anyway: a GIN
    scan visits every matching row in the table for its id, so three scans read thousands
    of rows three times for a common word (16 ms for "twist" at 10,000 poses)."""
    if not terms:
        return set(), set(), set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, names_vector @@ query, names_tags_vector @@ query "
                "FROM poses_pose, to_tsquery(%s::regconfig, %s) AS query "
                "WHERE search_vector @@ query",
                [TS_CONFIG, tsquery(terms, match_all=match_all)],
            )
            rows = cursor.fetchall()
        anywhere = {pk for pk, _, _ in rows}
        in_names = {pk for pk, names, _ in rows if names}
        tagged = {pk for pk, _, names_or_tags in rows if names_or_tags}
        return anywhere, in_names, tagged
    found = []
    for columns in (None, ["search_names"], ["search_names", "search_tags"]):
        subquery = matching_ids(terms, columns=columns, match_all=match_all)
        with connection.cursor() as cursor:
            cursor.execute(subquery.sql, subquery.params)
            found.append({row[0] for row in cursor.fetchall()})
    return tuple(found)


def names_with_a_word_starting(prefix, limit) -> RawSQL:
    """SQLite: a subquery of the ids of the first `limit` poses (by id) with a word of their
    names starting with `prefix` (letters and digits), from the full-text index's sorted
    words: the candidates for spelling suggestions, where a LIKE over every pose's names read
    the whole table whenever few names had such a word."""
    if connection.vendor != "sqlite":
        raise NotSupportedError("PostgreSQL suggests by trigrams (PoseQuerySet.closest_to).")
    return RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rowid LIMIT %s",
        (f"{{search_names}} : {prefix}*", limit),
    )


def compact():
    """After a bulk write, SQLite's full-text index merged into one b-tree: rows added in
    bulk leave it in many segments, and every lookup reads each of them (a word found
    nowhere: 563 VM instructions at 10,000 generated poses, 53 once merged, and the more
    the larger the import). Teachers' saves are merged as they go (FTS5's automerge).
    PostgreSQL's GIN indexes take entries at once (migration 0025): nothing to do there."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


# The index itself: created by migration 0016, checked after every migrate.

SQLITE_COLUMNS = "search_names, search_tags, search_text"
SQLITE_TRIGGERS = {
    "poses_pose_fts_insert": f"""
        AFTER INSERT ON poses_pose BEGIN
            INSERT INTO {FTS_TABLE}(rowid, {SQLITE_COLUMNS})
            VALUES (new.id, new.search_names, new.search_tags, new.search_text);
        END""",
    "poses_pose_fts_delete": f"""
        AFTER DELETE ON poses_pose BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {SQLITE_COLUMNS})
            VALUES ('delete', old.id, old.search_names, old.search_tags, old.search_text);
        END""",
    "poses_pose_fts_update": f"""
        AFTER UPDATE OF {SQLITE_COLUMNS} ON poses_pose BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {SQLITE_COLUMNS})
            VALUES ('delete', old.id, old.search_names, old.search_tags, old.search_text);
            INSERT INTO {FTS_TABLE}(rowid, {SQLITE_COLUMNS})
            VALUES (new.id, new.search_names, new.search_tags, new.search_text);
        END""",
}
POSTGRESQL_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, search_names), 'A') || "
    "setweight(to_tsvector('english'::regconfig, search_tags), 'B') || "
    "setweight(to_tsvector('english'::regconfig, search_text), 'D')"
)


def create_index(schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        ensure_sqlite_index(connection)
    elif connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE poses_pose ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({POSTGRESQL_VECTOR}) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX poses_pose_search_vector ON poses_pose USING gin (search_vector)"
        )
        # Spelling suggestions (PoseQuerySet.closest_to) compare names by trigrams.
        schema_editor.execute(
            "CREATE INDEX poses_pose_search_names_trigrams ON poses_pose "
            "USING gin (search_names gin_trgm_ops)"
        )


def drop_index(schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS poses_pose_search_names_trigrams")
        schema_editor.execute("ALTER TABLE poses_pose DROP COLUMN IF EXISTS search_vector")


def ensure_sqlite_index(connection):
    """Create the FTS5 table and its triggers when missing, and fill it again if any was.

    SQLite migrations that rebuild poses_pose (Django copies the table to alter a column)
    drop its triggers; this runs after every migrate to put them back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name IN "
            f"('{FTS_TABLE}', {', '.join(repr(name) for name in SQLITE_TRIGGERS)})"
        )
        present = {name for (name,) in cursor.fetchall()}
        if present == {FTS_TABLE, *SQLITE_TRIGGERS}:
            return
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({SQLITE_COLUMNS}, "
            "content='poses_pose', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        for name, body in SQLITE_TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def check_index_after_migrate(using, **kwargs):
    """post_migrate receiver (PosesConfig.ready) for ensure_sqlite_index."""
    from django.db import connections

    if connections[using].vendor == "sqlite":
        with connections[using].schema_editor() as editor:
            if "poses_pose" in connections[using].introspection.table_names():
                ensure_sqlite_index(editor.connection)
