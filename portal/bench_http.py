"""``make bench`` under the production server: gunicorn started as ``make serve`` starts it
(gunicorn.conf.py, production settings) on a free port against the bench's database, plus a
bare view (``portal.settings_bench``) to compare each page with; then Lighthouse on the demo
data. The measurements go through HTTP as a visitor's browser or calendar client would.

The functions that only read or format figures (``parse_wrk``, ``ratio_row``, ``within``,
``lighthouse_summary``…) hold no I/O, so ``tests/portal/test_bench_http.py`` can check them.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

from portal.bench_urls import BARE_PATH

#: Share of the bare view's requests per second each page should reach (the issue's goals).
RATIO_GOALS = {"home": 60, "plan": 50}
MAX_PLAN_QUERIES = 10
TIME_TOLERANCE = 0.15  # the plan page at 10× activities: the same time ±15 %
MAX_CHANGED_FEED_MS = 100
LIGHTHOUSE_GOALS = {"accessibility": 100, "best-practices": 100, "seo": 100, "performance": 95}
LIGHTHOUSE_VERSION = "12"
BENCH_DIR = Path(settings.BASE_DIR) / ".bench"
CHROME_PATH = "/usr/bin/chromium"
SECONDS_PER_PAGE = 5
CONNECTIONS = 16
#: The shared cache of production without Redis (settings.py), as gunicorn uses it here.
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    }
}


def goal_text(met):
    return "atteint" if met else "NON ATTEINT"


def french_number(value, decimals=0):
    """``1977.4`` → ``1 977``; ``3.54`` (decimals=1) → ``3,5``, as the README prints them."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def ratio_row(name, rate, bare_rate, goal=None):
    """One line of the throughput table: the rate, its share of the bare view's and the goal."""
    share = 100 * rate / bare_rate if bare_rate else 0.0
    line = f"{name:<36} {french_number(rate):>8} {french_number(share, 1) + ' %':>9}"
    if goal is not None:
        line += f"  objectif ≥ {goal} % : {goal_text(share >= goal)}"
    return line


def parse_wrk(output):
    """``(requests per second, failed responses)`` read from wrk's summary."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise ValueError(f"wrk n'a pas donné de débit :\n{output}")
    failed = sum(
        int(number)
        for number in re.findall(
            r"(?:Non-2xx or 3xx responses|Socket errors:.*?timeout)\s*:?\s*(\d+)", output
        )
    )
    return float(rate.group(1)), failed


def within(value, reference, tolerance=TIME_TOLERANCE):
    return reference > 0 and abs(value - reference) <= tolerance * reference


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict):
    """The address of the database Django is connected to, for another process."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


def production_env(url, *, port=None, settings_module="portal.settings_bench"):
    """The environment of ``make serve`` (production: DEBUG off, database cache, tasks in the
    database) on ``url``, with a throwaway secret key and an SMTP host nothing is sent to."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "PORTAL_DEMO", "PORTAL_TESTING", "REDIS_URL", "HTTPS"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": url,
        "ALLOW_SQLITE": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_HOST": "localhost",
        "LOG_LEVEL": "WARNING",
        "WEB_HOST": "127.0.0.1",
    }
    if port is not None:
        env["PORT"] = str(port)
    return env


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def fetch(base, path, headers=None, timeout=120):
    """``(status, headers, body, milliseconds)`` of one GET on a new connection."""
    host, port = base
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return response.status, response.headers, body, (time.perf_counter() - started) * 1000


def conditional_headers(headers):
    """What a calendar client sends back: the ETag if one came, else the Last-Modified date."""
    if headers.get("ETag"):
        return {"If-None-Match": headers["ETag"]}
    if headers.get("Last-Modified"):
        return {"If-Modified-Since": headers["Last-Modified"]}
    return {}


@dataclass
class Server:
    host: str
    port: int
    workers: int
    threads: int

    @property
    def base(self):
        return (self.host, self.port)

    def url(self, path):
        return f"http://{self.host}:{self.port}{path}"


@contextlib.contextmanager
def gunicorn(url, *, log_dir):
    """gunicorn as ``make serve`` runs it (gunicorn.conf.py, production settings, the cache
    table, collected static files) on a free port of the loopback, against ``url``."""
    port = free_port()
    env = production_env(url, port=port)
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--no-input", "-v0")
    log = open(Path(log_dir) / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        # Workers are not recycled during the measurement (gunicorn.conf.py recycles them every
        # 2,000 requests or so): a recycled worker boots while the next page is measured, so
        # the bare view's many requests would slow the page measured after it.
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py"]
        + ["--max-requests", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(
        "127.0.0.1",
        port,
        workers=int(env.get("WEB_CONCURRENCY", os.cpu_count() * 2 + 1)),
        threads=int(env.get("WEB_THREADS", "4")),
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté (journal : {log.name})")
            with contextlib.suppress(OSError):
                if fetch(server.base, "/" + BARE_PATH, timeout=5)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn ne répond pas (journal : {log.name})")
            time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def python_rate(server, path, seconds, connections=CONNECTIONS):
    """Requests per second from ``connections`` threads, each on a kept-alive connection."""
    done, failed, stop = [0] * connections, [0] * connections, time.monotonic() + seconds

    def client(slot):
        conn = http.client.HTTPConnection(*server.base, timeout=60)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done[slot] += 1
                else:
                    failed[slot] += 1
            except (OSError, http.client.HTTPException):
                failed[slot] += 1
                conn.close()
                conn = http.client.HTTPConnection(*server.base, timeout=60)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started), sum(failed)


def load_generator():
    """wrk when the machine has it (C, far lighter than the server it loads), else threads."""
    wrk = shutil.which("wrk")
    if wrk:

        def rate(server, path, seconds):
            output = subprocess.run(
                [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "60s"]
                + [server.url(path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            return parse_wrk(output)

        return f"wrk, 2 fils, {CONNECTIONS} connexions", rate
    return f"Python (http.client), {CONNECTIONS} fils (wrk absent)", python_rate


def run_throughput(server, pages, *, database, out=print):
    """Requests per second of each ``(name, path, goal)`` of ``pages`` as a share of the bare
    view's, under the same server in the same run. The bare view is measured again after each
    page and each page compared with the mean of the two around it, so that a machine whose
    load drifts (other processes on the same cores) shifts both sides of a ratio alike."""
    generator, rate = load_generator()
    out("")
    out(
        f"Sous gunicorn (gunicorn.conf.py : {server.workers} processus × {server.threads} fils, "
        f"réglages de production, sans recyclage, base {database}), {generator}, "
        f"{SECONDS_PER_PAGE} s par page"
    )
    out(f"{'page':<36} {'req/s':>8} {'part':>9}")
    bare = "/" + BARE_PATH

    def measure(path):
        rate(server, path, 1)  # every worker has loaded its templates and connections
        return rate(server, path, SECONDS_PER_PAGE)

    bare_rates = [measure(bare)[0]]
    rows = []
    for name, path, goal in pages:
        status = fetch(server.base, path)[0]
        if status != 200:
            rows.append(f"{name:<36} réponse {status} : non mesurée")
            continue
        requests, failed = measure(path)
        bare_rates.append(measure(bare)[0])
        line = ratio_row(name, requests, (bare_rates[-2] + bare_rates[-1]) / 2, goal)
        rows.append(line + (f"  ({failed} réponses en échec)" if failed else ""))
    spread = f"de {french_number(min(bare_rates))} à {french_number(max(bare_rates))} req/s"
    median = french_number(statistics.median(bare_rates))
    out(
        f"{'Vue Django nue (médiane)':<36} {median:>8} {'100 %':>9}  ({len(bare_rates)} mesures, {spread})"
    )
    for row in rows:
        out(row)


def lighthouse_summary(report, goals=LIGHTHOUSE_GOALS):
    """``{category: (score, goal, [titles of failing audits])}`` from Lighthouse's JSON report;
    the titles only for a category under its goal."""
    summary = {}
    for key, goal in goals.items():
        category = report["categories"].get(key)
        if category is None or category.get("score") is None:
            summary[key] = (None, goal, [])
            continue
        score = round(category["score"] * 100)
        failing = []
        if score < goal:
            for ref in category["auditRefs"]:
                audit = report["audits"].get(ref["id"], {})
                mode = audit.get("scoreDisplayMode")
                if mode in {"notApplicable", "informative", "manual"} or audit.get("score") is None:
                    continue
                if audit["score"] < 1 and (ref.get("weight", 0) > 0 or mode == "binary"):
                    failing.append(audit["title"])
        summary[key] = (score, goal, failing)
    return summary


def lighthouse_lines(name, summary):
    scores = "  ".join(
        f"{key} {'—' if score is None else score}/{goal}"
        for key, (score, goal, _) in summary.items()
    )
    met = all(score is not None and score >= goal for score, goal, _ in summary.values())
    lines = [f"{name:<24} {scores}  {goal_text(met)}"]
    for key, (_score, _goal, failing) in summary.items():
        lines.extend(f"    {key} : {title}" for title in failing)
    return lines


def lighthouse_binary(out):
    """Lighthouse installed by npm into .bench/ (not a dependency of the project or its tests)."""
    binary = BENCH_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm absent")
        out(f"Installation de lighthouse@{LIGHTHOUSE_VERSION} dans .bench/ (npm)…")
        subprocess.run(
            [npm, "install", "--prefix", str(BENCH_DIR), f"lighthouse@{LIGHTHOUSE_VERSION}"]
            + ["--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def demo_database(directory):
    """The demo data (``make demo``) in an SQLite file of ``directory``; the first published
    kit's and the Beauce plan's paths."""
    from kits.models import Kit
    from portal import demo

    path = Path(directory) / "demo.sqlite3"
    env = production_env(f"sqlite:///{path}") | {"PORTAL_DEMO": "1"}
    env.pop("DJANGO_SETTINGS_MODULE")
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo")
    with contextlib.closing(sqlite3.connect(path)) as db:
        (kit,) = db.execute(
            f"SELECT slug FROM {Kit._meta.db_table} WHERE is_published ORDER BY id"
        ).fetchone()
    pages = [
        ("Accueil", reverse("home")),
        ("Plan (Beauce)", reverse("plans:plan_detail", args=[demo.BEAUCE_PLAN["slug"]])),
        ("Trousse", reverse("kits:detail", args=[kit])),
    ]
    return f"sqlite:///{path}", pages


def run_lighthouse(*, directory, out=print):
    """Lighthouse's four scores on the home, plan and kit pages of the demo data under
    gunicorn (mobile, its default throttling), with the failing audits under a goal."""
    out("")
    started = time.perf_counter()
    try:
        binary = lighthouse_binary(out)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        out(f"Lighthouse non mesuré : {error}")
        return
    url, pages = demo_database(directory)
    goals = ", ".join(f"{key} {goal}" for key, goal in LIGHTHOUSE_GOALS.items())
    out(
        f"Lighthouse {LIGHTHOUSE_VERSION} (mobile), données de démonstration sous gunicorn ; objectifs : {goals}"
    )
    env = os.environ | {"CHROME_PATH": CHROME_PATH}
    with gunicorn(url, log_dir=directory) as server:
        for name, path in pages:
            report_path = Path(directory) / "lighthouse.json"
            result = subprocess.run(
                [str(binary), server.url(path), "--quiet", "--output=json"]
                + [f"--output-path={report_path}", "--chrome-flags=--headless=new --no-sandbox"]
                + ["--only-categories=" + ",".join(LIGHTHOUSE_GOALS)],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if result.returncode != 0 or not report_path.exists():
                out(f"{name:<24} Lighthouse a échoué : {result.stderr.strip()[-300:]}")
                continue
            report = json.loads(report_path.read_text())
            report_path.unlink()
            for line in lighthouse_lines(name, lighthouse_summary(report)):
                out(line)
    out(f"(Lighthouse : {time.perf_counter() - started:.0f} s, base de démonstration comprise)")


@contextlib.contextmanager
def workspace():
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as directory:
        yield directory
