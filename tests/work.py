"""How much work a request does, counted rather than timed.

A timing on a shared machine moves by a third from one minute to the next, more than the
growth with the library's size that the bench and the tests look for. Counts do not:

- **Python lines**: the lines of Python the request executes (Django, the project, the
  libraries), traced with `sys.settrace`. A loop over the library's poses in Python shows
  here; work inside one C call (a `str.find` over every name, an `&` of two bit sets) does
  not.
- **Database work**: on SQLite, the virtual machine instructions its statements execute
  (counted by a progress handler called at every instruction); on PostgreSQL, the rows its
  plans' nodes produce or filter out, from `EXPLAIN (ANALYZE, FORMAT JSON)` run on the same
  cursor just before each statement, so in the same transaction and settings (buffers would
  count one more page per index lookup each time an index grows a level). A walk over every
  pose shows here.

Used by `tests/test_query_counts.py` and `bench/measure.py` (`--work`).
"""

import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from poses.facets import index_key
from studio.cache import VERSION_KEY, next_publication_key, seconds_until


@dataclass
class Work:
    python_lines: int = 0
    database: int = 0

    def as_dict(self):
        return {"python_lines": self.python_lines, "database": self.database}


@contextmanager
def counted_work():
    """Count the work done inside the block into the `Work` it yields."""
    work = Work()
    own_code = set()

    def count_line(frame, event, arg):
        if event == "line":
            work.python_lines += 1
        return count_line

    def enter_frame(frame, event, arg):
        # The counters' own Python (the progress handler, the EXPLAIN wrapper) is not the
        # request's work.
        return None if frame.f_code in own_code else count_line

    connection.ensure_connection()
    with _database_counter(work, own_code):
        previous = sys.gettrace()
        sys.settrace(enter_frame)
        try:
            yield work
        finally:
            sys.settrace(previous)


def rows_touched(node):
    """The rows every node of a PostgreSQL plan produced or filtered out, over all its loops."""
    rows = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
    rows += node.get("Rows Removed by Index Recheck", 0) + node.get(
        "Rows Removed by Join Filter", 0
    )
    return rows * node.get("Actual Loops", 1) + sum(map(rows_touched, node.get("Plans", ())))


@contextmanager
def _database_counter(work, own_code):
    if connection.vendor == "sqlite":

        def step():
            work.database += 1
            return 0  # non-zero would interrupt the statement

        own_code.add(step.__code__)
        raw = connection.connection
        raw.set_progress_handler(step, 1)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 1)
    elif connection.vendor == "postgresql":

        def explained(execute, sql, params, many, context):
            if not many and sql.lstrip().upper().startswith(("SELECT", "WITH")):
                cursor = context["cursor"]
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                work.database += rows_touched(plan[0]["Plan"])
            return execute(sql, params, many, context)

        own_code.update({explained.__code__, rows_touched.__code__})
        with connection.execute_wrapper(explained):
            yield
    else:  # pragma: no cover - the project runs on SQLite and PostgreSQL
        yield


def uncached_work(client, url):
    """The work of `url` uncached, as on a site between two saves (clear_pages()), once the
    process has loaded what it loads on its first request for it (templates, vocabulary)."""
    clear_pages()
    client.get(url)
    clear_pages()
    return work_of(client, url)


def work_of(client, url, **extra):
    """The work a GET of `url` costs (which must answer 200)."""
    with counted_work() as work:
        response = client.get(url, **extra)
        if response.streaming:
            b"".join(response)
    assert response.status_code == 200, (url, response.status_code)
    return work


def clear_pages():
    """Forget every stored page, and keep what lasts for the library's version until the
    next change, as on a site in use: the facet index (poses/facets.py; its build is
    measured on its own by bench/measure.py) and the time of the next scheduled publication."""
    version = cache.get(VERSION_KEY)
    kept = {}
    if version:
        kept = cache.get_many([index_key(version), next_publication_key(version)])
    cache.clear()
    if kept:
        cache.set(VERSION_KEY, version, None)
    for key, value in kept.items():
        # The publication time lasts until its moment, as seconds_until_next_publication()
        # stores it.
        timeout = 600 if key == index_key(version) else seconds_until(value) or 1
        cache.set(key, value, timeout)
