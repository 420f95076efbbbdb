"""Uncached render times of the pose list (`/poses/`) over many distinct URLs.

A measuring tool, not a test: it renders searches, filter combinations (safe_for with one
and two conditions, area, type, level …) and pages through Django's test Client with the
stored pages forgotten before every request (the facet index kept), and prints p50 / p95 /
max and the SQL queries per kind of URL. Run it against a library built for the purpose, e.g.

    DJANGO_DEBUG=1 DATABASE_URL=sqlite:///var/bench10k.sqlite3 .venv/bin/python manage.py migrate
    DJANGO_DEBUG=1 DATABASE_URL=… .venv/bin/python manage.py generate_poses 10000
    DJANGO_DEBUG=1 DATABASE_URL=… .venv/bin/python bench/list_timing.py [--per-kind 40]

Each URL is rendered once (a search is long-tail: most are asked once), after one warm-up
request that loads templates and opens the connection.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from poses.models import BodyArea, Condition, Level, Pose, PoseType, Style  # noqa: E402
from tests.work import clear_pages  # noqa: E402

# What students type: names of shapes, body areas, kinds of pose, intents.
SEARCH_TEXT = (
    "tree twist bend forward seated standing hamstrings back hips shoulders core gentle strong "
    "calm bridge crow lotus moon plank wheel beginner backbend stretch knee breath spine legs "
    "balance inversion"
)
SEARCH_WORDS = SEARCH_TEXT.split()


def urls_by_kind(rng, per_kind):
    """A list of distinct URLs for each kind of list page."""
    conditions = list(Condition.objects.values_list("slug", flat=True))
    areas = list(BodyArea.objects.values_list("slug", flat=True))
    types = list(PoseType.objects.values_list("slug", flat=True))
    styles = list(Style.objects.values_list("slug", flat=True))
    names = list(
        Pose.objects.published().order_by("?").values_list("sanskrit_name", "english_name")[:200]
    )
    pages = max(1, Pose.objects.published().count() // 24)

    def distinct(make):
        found = set()
        for _ in range(per_kind * 20):
            found.add(make())
            if len(found) == per_kind:
                break
        return sorted(found)

    def two(values):
        return rng.sample(values, 2)

    return {
        "list page": distinct(lambda: f"/poses/?page={rng.randint(1, pages)}"),
        "search word": distinct(lambda: f"/poses/?q={rng.choice(SEARCH_WORDS)}"),
        "search 2 words": distinct(lambda: "/poses/?q={}+{}".format(*two(SEARCH_WORDS))),
        "search name": distinct(lambda: "/poses/?q=" + rng.choice(rng.choice(names))),
        "search typo": distinct(lambda: "/poses/?q=" + typo(rng, rng.choice(names)[0])),
        "area": distinct(lambda: f"/poses/?area={rng.choice(areas)}"),
        "type+level": distinct(
            lambda: f"/poses/?type={rng.choice(types)}&level={rng.choice(Level.values)}"
        ),
        "safe_for 1": distinct(
            lambda: f"/poses/?safe_for={rng.choice(conditions)}&page={rng.randint(1, 5)}"
        ),
        "safe_for 2": distinct(
            lambda: (
                "/poses/?safe_for={}&safe_for={}".format(*two(conditions))
                + f"&page={rng.randint(1, 5)}"
            )
        ),
        "safe_for+area": distinct(
            lambda: f"/poses/?safe_for={rng.choice(conditions)}&area={rng.choice(areas)}"
        ),
        "search+filters": distinct(
            lambda: (
                f"/poses/?q={rng.choice(SEARCH_WORDS)}&style={rng.choice(styles)}"
                f"&safe_for={rng.choice(conditions)}"
            )
        ),
    }


def typo(rng, name):
    position = rng.randrange(1, len(name) - 1)
    return name[:position] + name[position + 1 :]


def render(client, url):
    """Wall time, this process's CPU time (SQLite's work included, as it runs in-process;
    PostgreSQL's not) and queries of one uncached request."""
    clear_pages()
    with CaptureQueriesContext(connection) as captured:
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, cpu, len(captured)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def figures(times, cpus):
    return "".join(
        f"{value:>9.1f}"
        for value in (
            statistics.median(times),
            percentile(times, 0.95),
            max(times),
            statistics.median(cpus),
            percentile(cpus, 0.95),
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-kind", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show-slowest", type=int, default=0)
    arguments = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/poses/")  # templates, connection
    size = Pose.objects.published().count()
    print(f"{size} published poses · {connection.vendor} · no stored page, facet index kept")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    header = ("kind", "urls", "p50 ms", "p95 ms", "max ms", "cpu p50", "cpu p95", "queries")
    print(f"{header[0]:<16}{header[1]:>5}" + "".join(f"{h:>9}" for h in header[2:]))
    slowest = []
    everything, everything_cpu = [], []
    for kind, urls in urls_by_kind(random.Random(arguments.seed), arguments.per_kind).items():
        times, cpus, counts = [], [], []
        for url in urls:
            elapsed, cpu, count = render(client, url)
            times.append(elapsed * 1000)
            cpus.append(cpu * 1000)
            counts.append(count)
            slowest.append((elapsed * 1000, url))
        everything += times
        everything_cpu += cpus
        queries = f"{min(counts)}–{max(counts)}" if min(counts) != max(counts) else str(counts[0])
        print(f"{kind:<16}{len(urls):>5}{figures(times, cpus)}{queries:>9}")
    print(f"{'all':<16}{len(everything):>5}{figures(everything, everything_cpu)}")
    for elapsed, url in sorted(slowest, reverse=True)[: arguments.show_slowest]:
        print(f"{elapsed:9.1f} ms  {url}")


if __name__ == "__main__":
    main()
