"""CPU instructions a page costs at 1,000 and at 10,000 poses, counted by valgrind.

    .venv/bin/python bench/instructions.py [URL …]      (after `make bench` on SQLite)

`tests/work.py` counts lines of Python and the database's own work, but not what runs
inside one C call (a `str.find` over every name, an `&` of two bit sets, SQLite's pager).
Valgrind's callgrind counts every instruction the process executes, C included. For each
library `make bench` left in var/bench/ (studio-1000.sqlite3, studio-10000.sqlite3) and each
URL, it runs a process that renders the page 3 times, then one that renders it 3 + 10 times,
each with the stored page forgotten before every render (the facet index kept): the
difference, divided by 10, is one uncached render. Same hash seed, so the same work: the
figures repeat to a few parts in a thousand. Needs valgrind (apt-get install valgrind);
about 30 s a process. Not part of `make test` or `make bench`.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
SIZES = (1000, 10000)
EXTRA = 10
URLS = (
    "/",
    "/poses/",
    "/poses/janusirsasana/",
    "/poses/?level=beginner&type=sitting",
    "/poses/?safe_for=knee-injury",
    "/sequences/",
    "/sequences/sun-salutation-a/",
    "/feeds/poses/",
    "/sitemap.xml",
    "/sitemap-poses.xml",
)


def render(url, times):
    """In the child process: render `url` `times` times, the stored page forgotten first."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client, RequestFactory

    from studio.cache import library_version, page_key

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/poses/")  # the facet index, as on a site between two saves
    key = page_key(RequestFactory(HTTP_HOST="127.0.0.1").get(url), library_version())
    for _ in range(times):
        cache.delete(key)  # only this page: forgetting every page would re-store the index
        assert client.get(url).status_code == 200, url


def instructions(size, url, times):
    from run import benchmark_environment  # bench/run.py: the same settings as make bench

    env = {
        **benchmark_environment(size, ""),
        "PYTHONHASHSEED": "0",
        "DJANGO_SECRET_KEY": "bench-instructions-not-a-secret",  # one key: the same work
    }
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # the sizes share it
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
        + [__file__, "--render", url, str(times)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    line = next(line for line in out.splitlines() if "Collected :" in line)
    return int(line.split()[-1])


def main(urls):
    missing = [size for size in SIZES if not (WORK / f"studio-{size}.sqlite3").exists()]
    if missing:
        sys.exit(f"No library of {missing[0]:,} poses in {WORK}: run `make bench` first.")
    print(f"| page | instructions at {SIZES[0]:,} | at {SIZES[1]:,} | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for url in urls:
        per_render = []
        for size in SIZES:
            base = instructions(size, url, 3)
            per_render.append((instructions(size, url, 3 + EXTRA) - base) / EXTRA)
        small, large = per_render
        print(f"| `{url}` | {small / 1e6:.1f} M | {large / 1e6:.1f} M | {large / small:.2f} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--render"]:
        render(sys.argv[2], int(sys.argv[3]))
    else:
        main(sys.argv[1:] or URLS)
