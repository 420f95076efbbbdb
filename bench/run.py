"""`make bench`: Studio's pages under gunicorn, beside the framework's floor.

For each library size (1,000 and 10,000 generated poses by default) it builds a database,
serves it with gunicorn (2 sync workers, debug off) on 127.0.0.1, and drives every URL with
wrk, interleaved, for three rounds; it reports medians. The floor is a view of this same
project that returns a constant response: each page's throughput is given as a ratio of the
floor measured in the same run. SQLite by default; DATABASE_URL=postgres://… benchmarks
PostgreSQL. With Redis on 127.0.0.1:6379 the workers share their cache through it, as in
production. Results: printed, and written to bench/results/latest.md.
"""

import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "18765"))
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk).")
    base_url = os.environ.get("DATABASE_URL", "")
    engine = "PostgreSQL" if base_url.startswith("postgres") else "SQLite"
    report = [
        "# Benchmark",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {engine} · gunicorn 2 sync workers · "
        f"wrk {CONNECTIONS} connections, {SECONDS} s per URL, {ROUNDS} rounds, medians · "
        f"cache: {'Redis' if redis_is_up() else 'local memory'} · {os.cpu_count()} cores",
        "",
    ]
    for size in SIZES:
        env = benchmark_environment(size, base_url)
        prepare_database(size, env)
        urls = pick_urls(env)
        figures = measure_in_process(env, urls)
        with serving(env):
            speeds = drive(urls)
        report += size_report(size, urls, speeds, figures)
    text = "\n".join(report) + "\n"
    print(text)
    out = ROOT / "bench" / "results" / "latest.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"Written to {out.relative_to(ROOT)}")


def redis_is_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def benchmark_environment(size, base_url):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_BENCH": "1",
        "DJANGO_LOG_LEVEL": "ERROR",
        "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
    }
    if base_url.startswith("postgres"):
        env["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/studio_bench_{size}", base_url)
    else:
        env["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / f'studio-{size}.sqlite3'}"
    if redis_is_up():
        env["REDIS_URL"] = REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(size, env):
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    else:
        database = url.rsplit("/", 1)[1]
        server = url.rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
            connection.execute(f'CREATE DATABASE "{database}"')
    print(f"Building a library of {size} poses …", flush=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_poses", "fixtures/janusirsasana.json")
    manage(env, "generate_poses", str(size))
    manage(env, "collectstatic", "--no-input", "-v0")


def pick_urls(env):
    script = (
        "from poses.models import Pose, PoseType; "
        "p = Pose.objects.order_by('pk')[Pose.objects.count() // 2]; "
        "t = PoseType.objects.order_by('pk').first(); "
        "print(p.slug, p.sanskrit_name[:5], t.slug)"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    slug, prefix, pose_type = out[-3:]
    manifest = json.loads((Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    return {
        "pose page": f"/poses/{slug}/",
        "list": "/poses/",
        "search": f"/poses/?q={prefix.lower()}",
        "filtered list": f"/poses/?level=beginner&type={pose_type}",
        "home": "/",
        "static CSS": "/static/" + manifest["paths"]["css/studio.css"],
        "floor": "/bench/floor",
    }


def measure_in_process(env, urls):
    out = subprocess.run(
        [PYTHON, "bench/measure.py", *urls.values()],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


class serving:
    def __init__(self, env):
        self.env = env

    def __enter__(self):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", PORT)) == 0:
                sys.exit(f"Port {PORT} is taken; set BENCH_PORT to a free one.")
        if "REDIS_URL" in self.env:
            import redis

            redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "studio.wsgi",
                "--workers=2",
                f"--bind=127.0.0.1:{PORT}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        sys.exit("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def wrk(path):
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, CONNECTIONS)}",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx" in out:
        sys.exit(f"{path} answered with errors:\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": to_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
    }


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def drive(urls):
    runs = {name: [] for name in urls}
    for round_number in range(1, ROUNDS + 1):
        print(f"  round {round_number} of {ROUNDS}", flush=True)
        for name, path in urls.items():
            runs[name].append(wrk(path))
    return {
        name: {key: statistics.median(run[key] for run in results) for key in results[0]}
        for name, results in runs.items()
    }


def size_report(size, urls, speeds, figures):
    floor = speeds["floor"]["rps"]
    lines = [
        f"## {size:,} generated poses (+ the Janusirsasana fixture)",
        "",
        "| URL | requests/s | × floor | p50 ms | p99 ms | SQL queries uncached / cached "
        "| HTML bytes (gzip) | uncached render ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, path in urls.items():
        speed, figure = speeds[name], figures[path]
        lines.append(
            f"| {name} `{path}` | {speed['rps']:,.0f} | {speed['rps'] / floor:.2f} "
            f"| {speed['p50']:.2f} | {speed['p99']:.2f} "
            f"| {figure['queries_uncached']} / {figure['queries_cached']} "
            f"| {figure['bytes']:,} ({figure['bytes_gzip']:,}) | {figure['render_ms']:.1f} |"
        )
    return [*lines, ""]


if __name__ == "__main__":
    main()
