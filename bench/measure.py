"""In-process figures for each benchmarked URL: SQL queries, HTML bytes, render time.

Run by bench/run.py in a subprocess with the benchmark's environment; prints JSON.
"""

import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RENDERS = int(os.environ.get("BENCH_RENDERS", "7"))
# A slow page gets fewer renders rather than holding the run for minutes; at least one.
BUDGET_SECONDS = 5


def measure(client, path):
    cache.clear()
    # Counted at once: the captured list is a view of a log the next request clears.
    with CaptureQueriesContext(connection) as cold:
        response = client.get(path)
    queries_uncached = len(cold)
    with CaptureQueriesContext(connection) as warm:
        client.get(path)
    queries_cached = len(warm)
    timings = []
    budget_ends = time.perf_counter() + BUDGET_SECONDS
    while len(timings) < RENDERS and (not timings or time.perf_counter() < budget_ends):
        cache.clear()
        started = time.perf_counter()
        client.get(path)
        timings.append(time.perf_counter() - started)
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


if __name__ == "__main__":
    client = Client(HTTP_HOST="127.0.0.1")
    print(json.dumps({path: measure(client, path) for path in sys.argv[1:]}))
