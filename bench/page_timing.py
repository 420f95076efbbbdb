"""Uncached render times of the public pages, for comparing two library sizes.

    DATABASE_URL=sqlite:///var/perf/s10000.sqlite3 DJANGO_DEBUG=1 \
        .venv/bin/python bench/page_timing.py [--samples 40]

Renders each kind of page through Django's test client with a dummy cache (nothing is
cached, so every request does the whole work), for anonymous visitors and for a student
with conditions chosen on "Safe for me", and prints the median, 95th percentile and worst
time with the SQL queries each took. A measuring tool, not a test: `make bench` measures
throughput under gunicorn.
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

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from poses.models import Condition, Pose  # noqa: E402
from sequences.models import Sequence  # noqa: E402


def pages(rng, samples):
    slugs = list(Pose.objects.published().values_list("slug", flat=True))
    sequences = list(Sequence.objects.published().values_list("slug", flat=True))
    yield "home", ["/"] * samples
    yield "pose page", [f"/poses/{s}/" for s in rng.sample(slugs, min(samples, len(slugs)))]
    yield "pose JSON", [f"/poses/{s}.json" for s in rng.sample(slugs, min(samples, len(slugs)))]
    yield "sequence list", ["/sequences/"] * samples
    yield "sequence page", [f"/sequences/{rng.choice(sequences)}/" for _ in range(samples)]
    yield "practise view", [f"/sequences/{rng.choice(sequences)}/practise/" for _ in range(samples)]
    yield "sitemap index", ["/sitemap.xml"] * samples
    yield "sitemap page", ["/sitemap-poses.xml"] * min(samples, 10)
    yield "feed", ["/feeds/poses/"] * samples


def measure(client, urls):
    times, queries = [], []
    for url in urls:
        reset_queries()
        start = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - start) * 1000)
        queries.append(len(connection.queries))
        if response.status_code not in (200,):
            raise SystemExit(f"{url} answered {response.status_code}")
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, times[-1], max(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    anonymous = Client()
    student = Client()
    conditions = list(Condition.objects.values_list("slug", flat=True)[:2])
    student.post("/safe-for-me/", {"conditions": conditions})
    print(f"{Pose.objects.published().count():,} published poses · {connection.vendor}")
    print(f"{'page':<16} {'visitor':<9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, urls in pages(rng, args.samples):
        for who, client in (("anonymous", anonymous), ("student", student)):
            p50, p95, worst, queries = measure(client, urls)
            print(f"{name:<16} {who:<9} {p50:8.1f} {p95:8.1f} {worst:8.1f} {queries:8d}")


if __name__ == "__main__":
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    sessions = "django.contrib.sessions.backends.signed_cookies"
    with override_settings(CACHES=dummy, SESSION_ENGINE=sessions, DEBUG=True):
        settings.ALLOWED_HOSTS.append("testserver")
        main()
