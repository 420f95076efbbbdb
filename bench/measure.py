"""In-process figures, uncached: SQL queries, HTML bytes and render time of given pages, and
the spread of render times over many distinct URLs (searches, filters, pose pages).

Run by bench/run.py in a subprocess with the benchmark's environment:

    python bench/measure.py /poses/ /poses/?q=tree … @searches=var/bench/paths-1000/searches.txt

prints JSON: {"pages": {path: figures}, "samples": {name: figures}}. A render is stopped
after 30 s, as gunicorn's worker timeout stops it in production, and counted as too slow.
"""

import gzip
import json
import os
import signal
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import DatabaseError, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from poses.facets import FacetIndex  # noqa: E402
from poses.models import Condition, Pose  # noqa: E402
from tests.work import clear_pages, uncached_work  # noqa: E402

RENDERS = int(os.environ.get("BENCH_RENDERS", "7"))
# A slow page gets fewer renders rather than holding the run for minutes: the first, uncached
# request is one, and more only within this budget.
BUDGET_SECONDS = 5
# Distinct URLs of a list, one render each, in the list's (random) order: at most this many,
# and no more once this many seconds have passed.
SAMPLE_SIZE = int(os.environ.get("BENCH_SAMPLE", "200"))
SAMPLE_SECONDS = 20
LIMIT_SECONDS = 30


class TooSlow(Exception):
    pass


@contextmanager
def time_limit(seconds):
    """Stop what runs within after `seconds`: between Python steps by an alarm, and inside a
    long SQL query by the database's own means (SQLite's progress handler, PostgreSQL's
    statement_timeout)."""
    deadline = time.perf_counter() + seconds

    def on_alarm(signum, frame):
        raise TooSlow

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        connection.connection.set_progress_handler(lambda: time.perf_counter() > deadline, 10_000)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [seconds * 1000])
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(None, 0)
        else:
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")


def render(client, path):
    """One request: (response or None when it took too long, seconds, SQL queries)."""
    started = time.perf_counter()
    captured = CaptureQueriesContext(connection)
    try:
        # The limit's own statements (PostgreSQL) stay outside the queries counted.
        with time_limit(LIMIT_SECONDS), captured:
            response = client.get(path)
    except (TooSlow, DatabaseError):
        if time.perf_counter() - started < LIMIT_SECONDS:
            raise
        response = None
    # Counted at once: the captured list is a view of a log the next request clears.
    return response, time.perf_counter() - started, len(captured)


def index_build():
    """How long building the facet index takes (once per library change), median of 3."""
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        FacetIndex.build(expires=0)
        timings.append(time.perf_counter() - started)
    return {"build_ms": statistics.median(timings) * 1000}


def measure(client, path):
    clear_pages()
    budget_ends = time.perf_counter() + BUDGET_SECONDS
    response, seconds, queries_uncached = render(client, path)
    if response is None:
        return {"status": f"over {LIMIT_SECONDS} s", "queries_uncached": queries_uncached}
    timings = [seconds]
    queries_cached = render(client, path)[2]
    while len(timings) < RENDERS and time.perf_counter() < budget_ends:
        clear_pages()
        timings.append(render(client, path)[1])
    body = b"".join(response) if response.streaming else response.content
    return {
        "status": response.status_code,
        "queries_uncached": queries_uncached,
        "queries_cached": queries_cached,
        "bytes": len(body),
        "bytes_gzip": len(gzip.compress(body)),
        "render_ms": statistics.median(timings) * 1000,
        "renders": len(timings),
    }


def sample(client, paths):
    timings, queries, not_ok = [], [], 0
    budget_ends = time.perf_counter() + SAMPLE_SECONDS
    for path in paths[:SAMPLE_SIZE]:
        if timings and time.perf_counter() > budget_ends:
            break
        # No cache.clear(): each URL is distinct, so its page is not cached, while what
        # pages share (fragments, vocabulary) stays as warm as on a site in use.
        response, seconds, count = render(client, path)
        timings.append(seconds)
        queries.append(count)
        not_ok += response is None or response.status_code != 200
    timings.sort()
    return {
        "urls": len(timings),
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[round(0.95 * (len(timings) - 1))] * 1000,
        "max_ms": timings[-1] * 1000,
        "queries": statistics.median(queries),
        "not_ok": not_ok,
    }


def student_client():
    """A client that chose two conditions on "Safe for me", as a student does."""
    student = Client(HTTP_HOST="127.0.0.1")
    slugs = list(Condition.objects.order_by("slug").values_list("slug", flat=True)[:2])
    student.post("/safe-for-me/", {"conditions": slugs})
    assert settings.SESSION_COOKIE_NAME in student.cookies, "no session for the student"
    return student


def counted(clients, pages):
    """The work of each page, counted (tests/work.py): "pose:<id>" is that pose's page,
    "student:<path>" the path for a student with conditions chosen. The same pages at both
    sizes: the generated poses' ids and content do not depend on the library's size."""
    figures = {}
    for page in pages:
        who, path = ("student", page[8:]) if page.startswith("student:") else ("anonymous", page)
        if path.startswith("pose:"):
            path = Pose.objects.get(pk=int(path.removeprefix("pose:"))).get_absolute_url()
        figures[page] = {"path": path, **uncached_work(clients[who], path).as_dict()}
    return figures


if __name__ == "__main__":
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/")  # the process's first request loads what every later one reuses
    pages, samples, work = {}, {}, {}
    for argument in sys.argv[1:]:
        if argument.startswith("@"):
            name, _, listed = argument[1:].partition("=")
            samples[name] = sample(client, Path(listed).read_text().split())
        elif argument.startswith("work="):
            listed = argument.removeprefix("work=").split(",")
            work = counted({"anonymous": client, "student": student_client()}, listed)
        else:
            pages[argument] = measure(client, argument)
    print(json.dumps({"pages": pages, "samples": samples, "index": index_build(), "work": work}))
