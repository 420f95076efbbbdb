"""`make bench`: what visitors do to Studio under gunicorn, beside a bare Django view.

For each library size (1,000 and 10,000 generated poses on top of the fixtures, by default)
it builds its own database (SQLite under var/bench/, or with DATABASE_URL=postgres://… a
PostgreSQL database of its own, studio_bench_<size>), serves it with gunicorn (2 sync workers,
debug off, the Redis cache at BENCH_REDIS_URL, its pages forgotten before every run) and
drives each scenario with wrk, every request a path picked at random from a list drawn from
the database (bench/paths.py, bench/random_path.lua):

- random pose pages over the whole library, distinct searches, filter combinations,
  sequence pages and the other public pages;
- a student with a session ("Safe for me" chosen) reading random pose pages;
- one pose page over and over (the cache);
- the repeated page and random pose pages through Varnish, started here with the
  repository's deploy/varnish/studio.vcl pointed at this gunicorn (skipped, and said so,
  without that file or varnishd);
- the floor: a bare Django view in a process of its own (bench/floor_site.py, gunicorn,
  2 workers) and the project's own /bench/floor.

Every scenario reports requests/s, its ratio to the bare Django view of the same run, p50,
p99, the slowest request, how many took over a second, and errors and timeouts. Rounds are
interleaved; requests/s, p50 and p99 are medians of rounds, the rest over all rounds. The
report goes to bench/results/<database>-<date>.md and bench/results/latest.md.

Settings (environment): BENCH_SIZES (1000,10000), BENCH_SECONDS (5 a run), BENCH_ROUNDS (2),
BENCH_CONNECTIONS (16), BENCH_TIMEOUT (10 s), BENCH_PORT (18765; the floor and Varnish take
the next two), BENCH_REDIS_URL (redis://127.0.0.1:6379/9), BENCH_DATABASE (studio_bench, a
size's database studio_bench_<size>), BENCH_DISTINCT (2000 searches, 2000 filter lists),
BENCH_INTERLEAVED (3 rounds), BENCH_VCL (deploy/varnish/studio.vcl), BENCH_RESULTS
(bench/results). See bench/README.md.
"""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = ROOT / "var" / "bench"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
VCL = Path(os.environ.get("BENCH_VCL", ROOT / "deploy" / "varnish" / "studio.vcl"))
FIXTURES = (
    "fixtures/janusirsasana.json",
    "fixtures/starter_library.json",
    "fixtures/more_poses.json",
    "fixtures/sample_sequence.json",
)

PORT = int(os.environ.get("BENCH_PORT", "18765"))
FLOOR_PORT = PORT + 1
VARNISH_PORT = PORT + 2
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "10"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
DATABASE = os.environ.get("BENCH_DATABASE", "studio_bench")
RESULTS = Path(os.environ.get("BENCH_RESULTS", BENCH / "results"))
# For trying the bench out: keep a SQLite library an earlier run built (never for results).
REUSE = os.environ.get("BENCH_REUSE") == "1"
# Pages measured in process, uncached, at every size (bench/measure.py): the same URLs at
# 1,000 and 10,000 poses, so the report can say how each page's cost grows with the library.
PAGES = (
    "/",
    "/poses/",
    "/poses/janusirsasana/",
    "/poses/janusirsasana.json",
    "/poses/?q=tree",
    "/poses/?q=hamstring+stretch",
    "/poses/?level=beginner&type=sitting",
    "/poses/?area=back",
    "/poses/?safe_for=knee-injury",
    "/sequences/",
    "/sequences/sun-salutation-a/",
    "/sitemap.xml",
    "/feeds/poses/",
)

# Pages whose work is counted (tests/work.py) at every size: the pages above, and a sitemap
# page, a search that finds nothing (spelling suggestions), a later page of the list, three
# generated poses' pages ("pose:<id>": the same poses at every size) and pages for a student
# with conditions chosen on "Safe for me".
WORK_PAGES = (
    *PAGES,
    "/sitemap-poses.xml",
    "/poses/?q=xqzzyv",
    "/poses/?page=3",
    "pose:100",
    "pose:500",
    "pose:900",
    "student:/poses/janusirsasana/",
    "student:pose:500",
    "student:/poses/?level=beginner",
)

# Rounds of in-process measures with the sizes taking turns, for the cost at one size
# against the other (and the URLs of each list a round renders).
INTERLEAVED = int(os.environ.get("BENCH_INTERLEAVED", "3"))
INTERLEAVED_SAMPLE = 100
INTERLEAVED_RENDERS = 11
# Lists of distinct URLs rendered once each in process: the spread of uncached render times.
SAMPLED = ("poses", "searches", "filters")
# Issue 16's budget for an uncached search (and the list's filter counts) at 10,000 poses.
SEARCH_BUDGET_MS = {"p50_ms": 30, "p95_ms": 80}


@dataclass
class Scenario:
    name: str
    paths: str  # the list in bench/paths.py's directory
    server: str = "studio"  # "studio", "floor" or "varnish"
    session: bool = False
    target: float | None = None  # issue 15's goal, as a ratio to the bare Django view


SCENARIOS = (
    Scenario("bare Django view (own process)", "floor", server="floor"),
    Scenario("in-project floor /bench/floor", "bench_floor"),
    Scenario("random pose pages", "poses", target=0.1),
    Scenario("distinct searches", "searches"),
    Scenario("filter combinations", "filters", target=0.05),
    Scenario("student with a session: random pose pages", "poses", session=True, target=0.1),
    Scenario("repeated pose page", "repeated"),
    Scenario("sequence pages", "sequences"),
    Scenario("other public pages (home, list pages, sitemap, feed, JSON)", "other"),
    Scenario("Varnish: repeated pose page", "repeated", server="varnish", target=5),
    Scenario("Varnish: random pose pages", "poses", server="varnish"),
)


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk).")
    for port in (PORT, FLOOR_PORT, VARNISH_PORT):
        if port_answers(port):
            sys.exit(f"Port {port} is taken; set BENCH_PORT to a free range of three ports.")
    started = time.monotonic()
    base_url = os.environ.get("DATABASE_URL", "")
    engine = "PostgreSQL" if base_url.startswith("postgres") else "SQLite"
    varnish_missing = varnish_skip_reason()
    header = run_header(engine, base_url, varnish_missing)
    sections, renders, envs, path_lists = [], {}, {}, {}
    for size in SIZES:
        env = envs[size] = benchmark_environment(size, base_url)
        built = time.monotonic()
        reused = prepare_database(size, env)
        build_seconds = None if reused else time.monotonic() - built
        lists = path_lists[size] = write_path_lists(env, WORK / f"paths-{size}")
        flush_cache()
        renders[size] = measure_in_process(env, lists, count_work=True)
        with serving(env) as servers:
            results, failures, session_checked = drive(servers, lists, varnish_missing)
        sections += size_report(
            size, build_seconds, lists, results, failures, renders[size], session_checked
        )
    rounds = interleaved(envs, path_lists) if len(SIZES) > 1 else []
    minutes = (time.monotonic() - started) / 60
    text = "\n".join(
        [*header, f"- **Took**: {minutes:.1f} minutes in all.", "", *sections]
        + flat_cost_report(rounds)
        + work_report(renders)
    )
    print(text)
    write_results(engine, text)


# The run's facts --------------------------------------------------------------------------


def run_header(engine, base_url, varnish_missing):
    commit = git("rev-parse", "--short", "HEAD")
    # Results of earlier runs waiting to be committed do not change what is measured.
    changed = [
        line for line in git("status", "--porcelain").splitlines() if "bench/results/" not in line
    ]
    state = f"with uncommitted changes to {len(changed)} files" if changed else "clean tree"
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    return [
        f"# Benchmark: {engine}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- **Commit measured**: `{commit}` ({state}).",
        f"- **Machine**: {os.cpu_count()} cores ({cpu_model()}), load average {load} "
        "at the start (other work on the machine shows in every figure).",
        f"- **Software**: Python {platform.python_version()}, Django {package('django')}, "
        f"gunicorn {package('gunicorn')}, {database_version(engine, base_url)}, "
        f"{tool_version(['wrk', '-v'])}, "
        f"{varnish_version()}.",
        f"- **Sizes**: {', '.join(f'{n:,}' for n in SIZES)} generated poses, on top of the "
        "fixtures (about 60 poses, 2 sequences).",
        f"- **Method**: gunicorn, 2 sync workers, debug off, cache in Redis ({REDIS_URL}, "
        "every stored page forgotten before every run, the facet index kept); wrk, 2 threads, "
        f"{CONNECTIONS} connections, {SECONDS} s a run, timeout {TIMEOUT} s, "
        f"{ROUNDS} round{'s' if ROUNDS != 1 else ''} with the "
        "scenarios interleaved. "
        "Requests/s, p50 and p99 are medians of the rounds; max, over 1 s and errors count "
        "every round. Each request picks a path at random from the scenario's list; requests "
        "still running when a run ends are not counted.",
        f"- **Varnish**: {varnish_missing or f'{vcl_name()}, its backend port substituted'}.",
    ]


def git(*args):
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def package(name):
    from importlib.metadata import version

    return version(name)


def tool_version(command):
    out = subprocess.run(command, capture_output=True, text=True)
    text = (out.stdout + out.stderr).strip().splitlines()
    return text[0].split(" [")[0].split(" (")[0] if text else command[0]


def varnish_version():
    if not shutil.which("varnishd"):
        return "no varnishd"
    out = subprocess.run(["varnishd", "-V"], capture_output=True, text=True)
    found = re.search(r"varnish-([\d.]+)", out.stdout + out.stderr)
    return f"Varnish {found.group(1)}" if found else "Varnish"


def database_version(engine, base_url):
    if engine == "SQLite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(maintenance_url(base_url)) as connection:
        return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]


# The library ------------------------------------------------------------------------------


def benchmark_environment(size, base_url):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_BENCH": "1",
        "DJANGO_LOG_LEVEL": "ERROR",
        "STATIC_ROOT": str(WORK / "static"),
        "REDIS_URL": REDIS_URL,
    }
    if base_url.startswith("postgres"):
        own = base_url.rsplit("/", 1)[1].split("?")[0]
        if DATABASE in (own, "studio", "postgres"):
            sys.exit(
                f"BENCH_DATABASE={DATABASE} would overwrite a database the bench does not own."
            )
        # One database a size: the sizes take turns in the last measures (interleaved()).
        env["DATABASE_URL"] = base_url.rsplit("/", 1)[0] + f"/{DATABASE}_{size}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{WORK / f'studio-{size}.sqlite3'}"
    return env


def maintenance_url(url):
    """The server's own database, to create the bench's (DATABASE_URL's need not exist)."""
    return url.rsplit("/", 1)[0] + "/postgres"


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(size, env):
    """A new library of `size` generated poses (or, with BENCH_REUSE=1, the SQLite one an
    earlier run left); whether it was reused."""
    url = env["DATABASE_URL"]
    WORK.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if REUSE and path.exists():
            print(f"Reusing the library of {size:,} poses in {path} …", flush=True)
            manage(env, "collectstatic", "--no-input", "-v0")
            return True
        path.unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
            # FORCE: a render measure.py stopped may leave a backend behind.
            name = url.rsplit("/", 1)[1]
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    print(f"Building a library of {size:,} poses …", flush=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_poses", *FIXTURES)
    manage(env, "generate_poses", str(size))
    manage(env, "collectstatic", "--no-input", "-v0")
    return False


def write_path_lists(env, directory):
    out = subprocess.run(
        [PYTHON, str(BENCH / "paths.py"), str(directory)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    counts = json.loads(out.strip().splitlines()[-1])
    (directory / "floor.txt").write_text("/\n")
    (directory / "bench_floor.txt").write_text("/bench/floor\n")
    lists = {name: directory / f"{name}.txt" for name in [*counts, "floor", "bench_floor"]}
    print("Path lists: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()), flush=True)
    return lists


def measure_in_process(env, lists, count_work=False):
    print("Measuring pages in process, uncached …", flush=True)
    samples = [f"@{name}={lists[name]}" for name in SAMPLED]
    work = [f"work={','.join(WORK_PAGES)}"] if count_work else []
    out = subprocess.run(
        [PYTHON, str(BENCH / "measure.py"), *PAGES, *samples, *work],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def interleaved(envs, lists):
    """The in-process measures again, the sizes taking turns, INTERLEAVED rounds: this
    machine's speed drifts by a third within minutes, more than the growth to be measured,
    so each round compares the sizes a minute apart at most, and the report gives the
    median of the rounds' ratios and their range. Each turn starts from an empty cache
    (the sizes share one Redis database)."""
    rounds = []
    for number in range(1, INTERLEAVED + 1):
        print(f"Interleaved round {number} of {INTERLEAVED} …", flush=True)
        turn = {}
        # Every other round the other way round: a drift within a round favours neither.
        for size in SIZES if number % 2 else reversed(SIZES):
            flush_cache()
            turn[size] = measure_in_process(
                {
                    **envs[size],
                    "BENCH_SAMPLE": str(INTERLEAVED_SAMPLE),
                    "BENCH_RENDERS": str(INTERLEAVED_RENDERS),
                },
                lists[size],
            )
        rounds.append(turn)
    return rounds


# The servers ------------------------------------------------------------------------------


def port_answers(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(url, process, what):
    for _ in range(150):
        if process.poll() is not None:
            sys.exit(f"{what} stopped at start (exit {process.returncode}).")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit(f"{what} did not answer at {url}.")


def start(command, **options):
    """A server of the bench's own, in a process group of its own (see stop)."""
    return subprocess.Popen(command, start_new_session=True, **options)


def stop(process, signal_number=signal.SIGTERM):
    """Stop a server the bench started, and whatever it left in its process group (gunicorn
    workers still busy when their master has gone would keep the port)."""
    process.send_signal(signal_number)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class serving:
    """Studio's gunicorn and the bare Django floor's, side by side, for one library."""

    def __init__(self, env):
        self.env = env

    # No control socket: its one default path would be shared by every gunicorn here.
    GUNICORN = (GUNICORN, "--workers=2", "--log-level=warning", "--no-control-socket")

    def __enter__(self):
        floor_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        self.floor = start(
            [*self.GUNICORN, f"--bind=127.0.0.1:{FLOOR_PORT}", "--chdir", str(BENCH), "floor_site"],
            cwd=ROOT,
            env=floor_env,
        )
        self.studio = self.start_studio()
        try:
            wait_for(f"http://127.0.0.1:{FLOOR_PORT}/", self.floor, "The bare Django gunicorn")
        except SystemExit:
            self.__exit__()
            raise
        return self

    def start_studio(self):
        studio = start(
            [*self.GUNICORN, f"--bind=127.0.0.1:{PORT}", "studio.wsgi"], cwd=ROOT, env=self.env
        )
        wait_for(f"http://127.0.0.1:{PORT}/healthz", studio, "Studio's gunicorn")
        return studio

    def restart_studio(self):
        """A fresh gunicorn: what the last run left queued is dropped, not worked through."""
        # At once: a worker inside a long SQL query would heed no gentler signal.
        stop(self.studio, signal.SIGKILL)
        self.studio = self.start_studio()

    def __exit__(self, *exc):
        # SIGINT: gunicorn's quick shutdown (SIGTERM would wait for busy workers).
        stop(self.studio, signal.SIGINT)
        stop(self.floor, signal.SIGINT)


def vcl_name():
    return str(VCL.relative_to(ROOT)) if VCL.is_relative_to(ROOT) else str(VCL)


def varnish_skip_reason():
    if not VCL.exists():
        return f"skipped: no VCL/varnishd ({vcl_name()} is missing)"
    if not shutil.which("varnishd"):
        return "skipped: no VCL/varnishd (varnishd is not installed: apt-get install varnish)"
    if not backend_substituted(VCL.read_text(), PORT)[1]:
        return "skipped: the VCL names no backend port 8000 to point at the bench's gunicorn"
    return ""


def backend_substituted(vcl, port):
    """The VCL with its backend at 127.0.0.1:8000 moved to the bench's port, and how many
    places said 8000 (`.port = "8000";`, or `.host = "127.0.0.1:8000";`)."""
    return re.subn(r'((?:\.port\s*=\s*"|\.host\s*=\s*"[^":]+:))8000(")', rf"\g<1>{port}\g<2>", vcl)


class varnish:
    """A fresh varnishd in front of the bench's gunicorn: each run starts with an empty cache."""

    def __enter__(self):
        self.directory = WORK / "varnish"
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        vcl = self.directory / "studio.vcl"
        vcl.write_text(backend_substituted(VCL.read_text(), PORT)[0])
        self.log = (self.directory / "varnishd.log").open("w")
        self.process = start(
            [
                "varnishd",
                "-F",
                f"-a127.0.0.1:{VARNISH_PORT}",
                f"-f{vcl}",
                f"-n{self.directory / 'state'}",
                "-smalloc,256m",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(f"http://127.0.0.1:{VARNISH_PORT}/healthz", self.process, "varnishd")
        return self

    def hits_and_misses(self):
        time.sleep(1)  # worker threads add their counters to the totals when idle
        out = subprocess.run(
            ["varnishstat", "-1", f"-n{self.directory / 'state'}"],
            capture_output=True,
            text=True,
        ).stdout
        counters = dict(re.findall(r"^MAIN\.(cache_hit|cache_miss|s_pass)\s+(\d+)", out, re.M))
        return {name: int(value) for name, value in counters.items()}

    def __exit__(self, *exc):
        stop(self.process)
        self.log.close()


# The runs ---------------------------------------------------------------------------------


def flush_cache():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# What a site keeps from one save to the next (studio/cache.py, poses/facets.py), without
# Django's "<prefix>:<version>:" before each key.
KEPT = (b"library:version", b"facets:", b"library:next-publication:")


def forget_pages():
    """Forget every stored page and keep what a site keeps between two saves (the library's
    version, its facet index, the time of its next publication), as measure.py's
    clear_pages() does: each run starts with no page cached, as on a site in use."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(count=1000):
        if not key.split(b":", 2)[-1].startswith(KEPT):
            connection.delete(key)


def student_cookie(conditions):
    """Choose conditions on "Safe for me" as a student does; their cookies, as one header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"http://127.0.0.1:{PORT}/safe-for-me/"
    form = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = [("csrfmiddlewaretoken", token), *(("conditions", slug) for slug in conditions)]
    opener.open(urllib.request.Request(url, data=urlencode(data).encode()), timeout=30)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        sys.exit('"Safe for me" gave the student no session cookie.')
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def wrk(port, paths, cookie=""):
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            f"--timeout={TIMEOUT}s",
            f"-s{BENCH / 'random_path.lua'}",
            f"http://127.0.0.1:{port}",
            "--",
            str(paths),
            cookie,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.split("BENCH_RESULT", 1)[1])


def requests_in_progress(port):
    """Connections gunicorn still holds or has yet to accept on this port (from
    /proc/net/tcp): requests a finished wrk run left behind, which the server still works on."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        state, queued = fields[3], int(fields[4].split(":")[1], 16)
        if local_port != port:
            continue
        if state == "0A":  # listening: its receive queue is the backlog not yet accepted
            count += queued
        elif state in ("01", "08"):  # established, or closed by wrk but not yet answered
            count += 1
    return count


def settle(servers):
    """Let the server finish what the last run left it, or restart it after 15 s: a slow
    page's queued requests (up to one a connection, each up to gunicorn's 30 s timeout)
    would otherwise slow down the next run. Seconds waited, and whether it restarted."""
    started = time.monotonic()
    while requests_in_progress(PORT):
        if time.monotonic() - started > 15:
            servers.restart_studio()
            return time.monotonic() - started, True
        time.sleep(0.2)
    return time.monotonic() - started, False


def run_once(scenario, lists, varnish_missing):
    forget_pages()
    cookie = ""
    if scenario.session:
        conditions = lists["conditions"].read_text().split()[:2]
        cookie = student_cookie(conditions)
    if scenario.server == "floor":
        result = wrk(FLOOR_PORT, lists[scenario.paths])
    elif scenario.server == "varnish":
        if varnish_missing:
            return None
        with varnish() as edge:
            result = wrk(VARNISH_PORT, lists[scenario.paths], cookie)
            result["varnish"] = edge.hits_and_misses()
    else:
        result = wrk(PORT, lists[scenario.paths], cookie)
    return result


def session_shows_guidance(lists):
    """Whether the student's cookie really brings their own page (else the scenario would
    measure anonymous pages): a pose page offers to change their conditions."""
    cookie = student_cookie(lists["conditions"].read_text().split()[:2])
    path = lists["repeated"].read_text().split()[0]
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie})
    return "Change my conditions" in urllib.request.urlopen(request, timeout=30).read().decode()


def drive(servers, lists, varnish_missing):
    runs = {scenario.name: [] for scenario in SCENARIOS}
    failures = {scenario.name: [] for scenario in SCENARIOS}
    session_checked = session_shows_guidance(lists)
    for round_number in range(1, ROUNDS + 1):
        for scenario in SCENARIOS:
            print(f"  round {round_number}/{ROUNDS}: {scenario.name}", flush=True)
            try:
                result = run_once(scenario, lists, varnish_missing)
            except (OSError, subprocess.CalledProcessError, ValueError, SystemExit) as error:
                # One run that cannot be measured (the student's login timing out behind slow
                # pages, wrk failing) is reported; the other runs go on.
                failures[scenario.name].append(f"{type(error).__name__}: {error}")
                settle(servers)
                continue
            if result is not None:
                result["busy_after_s"], result["restarted"] = settle(servers)
                runs[scenario.name].append(result)
    summaries = {name: summarise(results) for name, results in runs.items() if results}
    return summaries, failures, session_checked


def summarise(results):
    def median(key):
        return statistics.median(result[key] for result in results)

    summary = {
        "rps": median("rps"),
        "p50_ms": median("p50_ms"),
        "p99_ms": median("p99_ms"),
        "max_ms": max(result["max_ms"] for result in results),
        "over_1s": sum(result["over_1s"] for result in results),
        # wrk does not count requests still running when a run ends, but each connection
        # asks one at a time: with fewer answers than connections, the others waited the
        # whole run.
        "unfinished": sum(max(0, CONNECTIONS - result["requests"]) for result in results),
        "requests": sum(result["requests"] for result in results),
        "errors": sum(
            sum(result["errors"].values()) - result["errors"]["timeout"] for result in results
        ),
        "timeouts": sum(result["errors"]["timeout"] for result in results),
        "busy_after_s": max(result["busy_after_s"] for result in results),
        "restarted": sum(result["restarted"] for result in results),
    }
    if "varnish" in results[0]:
        summary["varnish"] = {
            key: sum(result["varnish"].get(key, 0) for result in results)
            for key in ("cache_hit", "cache_miss", "s_pass")
        }
    return summary


# The report -------------------------------------------------------------------------------


def size_report(size, build_seconds, lists, results, failures, renders, session_checked):
    floor = results["bare Django view (own process)"]["rps"]
    counts = {name: len(path.read_text().splitlines()) for name, path in lists.items()}
    lines = [
        f"## {size:,} generated poses",
        "",
        f"Library built in {build_seconds:.0f} s."
        if build_seconds is not None
        else "Library reused from an earlier run (BENCH_REUSE=1), not built afresh.",
        "",
        "| scenario | distinct paths | requests/s | × bare Django | target | p50 ms | p99 ms "
        "| max ms | over 1 s | errors / timeouts |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes, slow = [], []
    for scenario in SCENARIOS:
        result = results.get(scenario.name)
        for failure in failures[scenario.name]:
            notes.append(f"- {scenario.name}: **a run failed** ({failure}).")
        if result is None:
            why = "failed (below)" if failures[scenario.name] else varnish_skip_reason()
            lines.append(f"| {scenario.name} | | | | | | | | | {why} |")
            continue
        lines.append(scenario_row(scenario, result, floor, counts[scenario.paths]))
        if result["over_1s"] or result["unfinished"]:
            slow.append(scenario.name)
        if result["restarted"]:
            notes.append(
                f"- {scenario.name}: gunicorn was still answering requests left queued 15 s "
                f"after {result['restarted']} of its runs ended, and was restarted for the next."
            )
        elif result["busy_after_s"] >= 1:
            notes.append(
                f"- {scenario.name}: gunicorn went on answering requests left queued for "
                f"{result['busy_after_s']:.0f} s after the run ended; the next run waited."
            )
        if "varnish" in result:
            v = result["varnish"]
            notes.append(
                f"- {scenario.name}: Varnish hits {v['cache_hit']:,}, misses "
                f"{v['cache_miss']:,}, passes {v['s_pass']:,}."
            )
    verdict = (
        "No request took over 1 s." if not slow else f"**Requests over 1 s** in: {', '.join(slow)}."
    )
    lines += ["", verdict, "", session_note(session_checked), *([""] + notes if notes else []), ""]
    lines += [
        "Uncached, in process (bench/measure.py: every stored page forgotten before each "
        "render; the facet index of poses/facets.py kept, as it is between two changes):",
        "",
        "| page | status | SQL queries | render ms (median) | renders | HTML bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path, figure in renders["pages"].items():
        if "render_ms" not in figure:  # stopped after 30 s (bench/measure.py)
            lines.append(f"| `{path}` | {figure['status']} | | | | |")
            continue
        lines.append(
            f"| `{path}` | {figure['status']} | {figure['queries_uncached']} "
            f"| {figure['render_ms']:.1f} | {figure['renders']} | {figure['bytes']:,} |"
        )
    lines += [
        "",
        "Distinct URLs rendered once each, in process, in random order (at most 200 a list or "
        "20 s): none of these pages is cached, shared fragments are as warm as on a site in "
        "use. Issue 16's budget for searches and filtered lists: p50 ≤ 30 ms, p95 ≤ 80 ms.",
        "",
        "| list | URLs | p50 ms | p95 ms | max ms | SQL queries (median) | not 200 | budget |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, figure in renders["samples"].items():
        budget = ""
        if name in ("searches", "filters"):
            met = all(figure[key] <= limit for key, limit in SEARCH_BUDGET_MS.items())
            budget = "met" if met else "not met"
        lines.append(
            f"| {name} | {figure['urls']:,} | {figure['p50_ms']:.1f} | {figure['p95_ms']:.1f} "
            f"| {figure['max_ms']:.1f} | {figure['queries']:g} | {figure['not_ok']} | {budget} |"
        )
    if "index" in renders:
        lines += [
            "",
            f"The facet index (poses/facets.py) took {renders['index']['build_ms']:,.0f} ms to "
            "build: once per change to the library, by one request, shared through the cache.",
        ]
    return [*lines, ""]


def scenario_row(scenario, result, floor, paths):
    ratio = result["rps"] / floor
    target = ""
    if scenario.target is not None:
        met = "met" if ratio >= scenario.target else "not met"
        target = f"≥ {scenario.target:g}×: {met}"
    latency = "| | | |"  # no request answered: no latency to give
    if result["requests"]:
        latency = f"| {result['p50_ms']:,.1f} | {result['p99_ms']:,.1f} | {result['max_ms']:,.0f} |"
    return (
        f"| {scenario.name} | {paths:,} | {short(result['rps'])} "
        f"| {f'{ratio:.2f}' if ratio >= 0.1 else short(ratio)} | {target} {latency} "
        f"{result['over_1s']:,} of {result['requests']:,}{unfinished_note(result['unfinished'])} "
        f"| {result['errors']:,} / {result['timeouts']:,} |"
    )


def session_note(checked):
    if checked:
        return (
            "The student's session was checked before the runs: a pose page with it shows "
            "their own guidance (“Change my conditions”)."
        )
    return (
        "**Warning**: a pose page with the student's session did not show their own guidance "
        "(“Change my conditions”): the session rows may measure anonymous pages."
    )


def unfinished_note(count):
    return f", and {count:,} unanswered after {SECONDS} s" if count else ""


def short(number):
    """Small figures keep two significant digits instead of rounding to nothing."""
    return f"{number:,.0f}" if number >= 10 else f"{number:.2g}"


def flat_cost_report(rounds):
    """Each page's cost at the largest size against the smallest, from the interleaved
    rounds: the median of the rounds' ratios, and their range."""
    if not rounds:
        return []
    small, large = min(rounds[0]), max(rounds[0])
    lines = [
        f"## Cost at {large:,} poses against {small:,} (uncached render, target ≤ 1.2×)",
        "",
        f"{len(rounds)} rounds of the in-process measures above, the sizes taking turns "
        f"(each round renders every page {INTERLEAVED_RENDERS} times at each size, and "
        f"{INTERLEAVED_SAMPLE} distinct URLs of each list; every other round starts with "
        f"the larger size): ms are medians of the rounds, the ratio is the median of the "
        "rounds' ratios, beside their lowest and highest.",
        "",
        f"| page | ms at {small:,} | ms at {large:,} | ratio | rounds' ratios |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]

    def row(label, before, after):
        if None in before or None in after:
            return f"| {label} | | | | a render over 30 s |"
        ratios = sorted(b / a for a, b in zip(before, after, strict=True))
        return (
            f"| {label} | {statistics.median(before):.1f} | {statistics.median(after):.1f} "
            f"| {statistics.median(ratios):.2f} | {ratios[0]:.2f}–{ratios[-1]:.2f} |"
        )

    for path in rounds[0][small]["pages"]:
        lines.append(
            row(
                f"`{path}`",
                [turn[small]["pages"][path].get("render_ms") for turn in rounds],
                [turn[large]["pages"][path].get("render_ms") for turn in rounds],
            )
        )
    for name in rounds[0][small]["samples"]:
        for figure in ("p50_ms", "p95_ms"):
            lines.append(
                row(
                    f"distinct {name}, {figure[:3]}",
                    [turn[small]["samples"][name][figure] for turn in rounds],
                    [turn[large]["samples"][name][figure] for turn in rounds],
                )
            )
    budget = [
        f"{turn[large]['samples'][name][figure]:.1f}"
        for name in ("searches", "filters")
        for figure in ("p50_ms", "p95_ms")
        for turn in rounds
    ]
    per_round = len(rounds)
    lines += [
        "",
        f"Issue 16's budget at {large:,} poses in each round (p50 ≤ 30 ms, p95 ≤ 80 ms): "
        f"searches p50 {', '.join(budget[:per_round])}, p95 "
        f"{', '.join(budget[per_round : 2 * per_round])}; filters p50 "
        f"{', '.join(budget[2 * per_round : 3 * per_round])}, p95 "
        f"{', '.join(budget[3 * per_round :])} ms.",
    ]
    return [*lines, ""]


def work_report(renders):
    """Each page's counted work (tests/work.py) at the largest size against the smallest:
    unlike a timing, the same on any machine at any load."""
    if len(renders) < 2:
        return []
    small, large = min(renders), max(renders)
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    unit = "rows of the plans" if postgres else "VM instructions"
    lines = [
        f"## Work at {large:,} poses against {small:,} (counted, uncached, target ≤ 1.2×)",
        "",
        "The lines of Python a request executes and the database's own work "
        f"({unit}), counted as in `tests/work.py`: unlike the timings above, the same on any "
        "machine at any load. Each page uncached, the facet index warm.",
        "",
        f"| page | Python lines at {small:,} | at {large:,} | ratio "
        f"| database at {small:,} | at {large:,} | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, before in renders[small]["work"].items():
        after = renders[large]["work"][page]
        label = page if page == before["path"] else f"{page} ({before['path']})"

        def ratio(key, before=before, after=after):
            return f"{after[key] / before[key]:.2f}" if before[key] else "–"

        lines.append(
            f"| `{label}` | {before['python_lines']:,} | {after['python_lines']:,} "
            f"| {ratio('python_lines')} | {before['database']:,} | {after['database']:,} "
            f"| {ratio('database')} |"
        )
    return [*lines, ""]


def write_results(engine, text):
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{engine.lower()}-{datetime.now(UTC):%Y-%m-%d}.md"
    out.write_text(text + "\n")
    # latest.md: the newest report of each database.
    newest = {}
    for report in sorted(RESULTS.glob("*-????-??-??.md")):
        newest[report.name.rsplit("-", 3)[0]] = report
    latest = "\n---\n\n".join(newest[name].read_text() for name in sorted(newest))
    (RESULTS / "latest.md").write_text(latest)
    print(f"Written to {out} and {RESULTS / 'latest.md'}")


if __name__ == "__main__":
    main()
