"""Smoke and load check of the production stack, as CI runs it after the test suite.

    .venv/bin/python tests/load/smoke.py            # LOAD_CLIENTS=50 LOAD_SECONDS=60 by default

On the machine's PostgreSQL (PG_ADMIN_URL, by default the `portal` role on 127.0.0.1), it
creates a fresh database with the demo data, starts `make serve` (DEBUG off, settings from the
environment only, gunicorn and the task worker) and a local SMTP sink (aiosmtpd), then checks:

1. `manage.py check --deploy` with HTTPS=1 leaves only the HSTS subdomain/preload choices;
2. the stylesheet is served hashed with a max-age of at least a day; /healthz answers 200;
3. LOAD_CLIENTS concurrent clients for LOAD_SECONDS over the public pages, the .ics feed and a
   logged-in partner's Mon espace: no error; p50/p95 printed per page;
4. a public report is rendered by the worker ("en préparation", then the PDF);
5. an e-mail (a password reset) is delivered by the worker to the SMTP sink;
6. `manage.py backup`, then `manage.py restore` into another new database: the same row counts
   and the same report text.
Exits non-zero, saying what failed, at the first broken promise.
"""

import hashlib
import http.client
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgres://portal:portal@127.0.0.1:5432/postgres")
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
PASSWORD = "tables-demo-2025"
PARTNER = "partenaire.cje@tables-immigration.example"
PLAN = "plan-action-beauce-2022-2025"
PLAN_TITLE_WORDS = "Beauce"
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fail(message):
    print(f"FAILED: {message}", flush=True)
    raise SystemExit(1)


def step(title):
    print(f"\n== {title}", flush=True)


# --- Databases ------------------------------------------------------------------------------


def database_url(name):
    parts = urllib.parse.urlsplit(PG_ADMIN_URL)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(name):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args, check=True, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=capture,
    )
    if check and result.returncode != 0:
        fail(f"manage.py {' '.join(args)} exited {result.returncode}\n{result.stderr or ''}")
    return result


COUNTS = """
import json
from django.apps import apps
print(json.dumps({m._meta.label: m._base_manager.count() for m in apps.get_models()}))
"""

REPORT_TEXT = """
import hashlib, re
from accountability import reports
from accountability.data import PUBLIC, plan_for_report
from actionplans.models import Plan
from actionplans.periods import parse_period
plan = plan_for_report(Plan.objects.all()).get(slug=PLAN_SLUG)
html = reports.render_html(reports.ReportRequest(plan=plan, period=parse_period(plan, "all"),
                                                 variant=PUBLIC))
text = re.sub(r"\\s+", " ", re.sub(r"<[^>]+>", " ", html))
print(len(text), hashlib.sha256(text.encode()).hexdigest())
""".replace("PLAN_SLUG", repr(PLAN))


def shell_output(env, code):
    return manage(env, "shell", "-c", code, capture=True).stdout.strip().splitlines()[-1]


# --- HTTP -----------------------------------------------------------------------------------


class Client:
    """One keep-alive connection with its cookies, like a browser tab."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn recycles a worker now and then (max_requests): reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response, content

    def get(self, path):
        return self.request("GET", path)

    def login(self, email, password):
        response, page = self.get("/fr/comptes/login/")
        token = self.cookies.get("csrftoken")
        if response.status != 200 or not token:
            fail(f"the login page answered {response.status}")
        body = urllib.parse.urlencode(
            {"login": email, "password": password, "csrfmiddlewaretoken": token}
        )
        response, _ = self.request(
            "POST",
            "/fr/comptes/login/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{self.port}/fr/comptes/login/",
            },
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            fail(f"{email} could not log in (HTTP {response.status})")


def wait_until(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(1)
    fail(f"{what}: not within {seconds} s")


# --- The checks -----------------------------------------------------------------------------


def check_deploy(env):
    step("manage.py check --deploy (HTTPS=1)")
    behind_tls = {key: value for key, value in env.items() if key != "SECURE_COOKIES"}
    result = manage({**behind_tls, "HTTPS": "1"}, "check", "--deploy", check=False, capture=True)
    output = result.stdout + result.stderr
    print(output.strip())
    found = set(re.findall(r"\((security\.[WE]\d+)\)", output))
    allowed = {"security.W005", "security.W021"}  # HSTS includeSubDomains and preload: a choice
    if found - allowed or "ERRORS" in output:
        fail(f"check --deploy found {sorted(found - allowed)}")


def check_static_and_health(port):
    step("static files and /healthz")
    client = Client(port)
    response, page = client.get("/fr/")
    if response.status != 200:
        fail(f"home page: HTTP {response.status}")
    stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', page)
    if not stylesheet:
        fail("no stylesheet linked from the home page")
    path = stylesheet.group(1).decode()
    response, css = client.request("GET", path, headers={"Accept-Encoding": "gzip"})
    cache_control = response.getheader("Cache-Control", "")
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1)) if cache_control else 0
    print(f"{path}: HTTP {response.status}, {len(css)} bytes, Cache-Control: {cache_control}")
    if response.status != 200 or max_age < 86400:
        fail(f"the stylesheet must be served with max-age >= 1 day, got {cache_control!r}")
    if not re.search(r"\.[0-9a-f]{12}\.css$", path):
        fail(f"the stylesheet name is not hashed: {path}")
    response, body = client.get("/healthz")
    print(f"/healthz: HTTP {response.status} {body.decode()}")
    if response.status != 200:
        fail("/healthz is not 200")


def load(port):
    step(f"load: {CLIENTS} clients for {SECONDS:.0f} s")
    pages = {
        "home": "/fr/",
        "plan": f"/fr/plans/{PLAN}/",
        "calendar": "/fr/evenements/",
        "ics": "/fr/evenements.ics",
        "directory": "/fr/repertoire/",
        "mon espace": "/fr/mon-espace/",
    }
    timings = {name: [] for name in pages}
    errors = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    # One partner logged in once (allauth rate-limits logins per address); every client
    # browses with that session, as tabs of the same browser would.
    partner = Client(port)
    partner.login(PARTNER, PASSWORD)

    def client_loop(number):
        try:
            browse(number)
        except Exception as error:  # noqa: BLE001 — counted as an error, reported below
            with lock:
                errors.append(f"client {number}: {error!r}")

    def browse(number):
        client = Client(port)
        client.cookies = dict(partner.cookies)
        names = list(pages)
        turn = number
        while time.monotonic() < deadline:
            name = names[turn % len(names)]
            turn += 1
            start = time.monotonic()
            try:
                response, body = client.get(pages[name])
                elapsed = time.monotonic() - start
                ok = response.status == 200 and body
            except OSError as error:
                elapsed, ok = time.monotonic() - start, False
                response = error
            with lock:
                if ok:
                    timings[name].append(elapsed)
                else:
                    errors.append(f"{name}: {getattr(response, 'status', response)}")

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    print(f"{'page':<12} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
    everything = []
    for name, values in timings.items():
        everything += values
        if not values:
            fail(f"no successful request for {name}")
        print(
            f"{name:<12} {len(values):>8} {percentile(values, 50):>8.0f} "
            f"{percentile(values, 95):>8.0f}"
        )
    print(
        f"{'all':<12} {len(everything):>8} {percentile(everything, 50):>8.0f} "
        f"{percentile(everything, 95):>8.0f}   ({len(everything) / SECONDS:.0f} requests/s)"
    )
    if errors:
        fail(f"{len(errors)} errors under load, e.g. {errors[:5]}")


def percentile(values, percent):
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1] * 1000


def report_through_worker(port):
    step("a report rendered by the worker")
    from pypdf import PdfReader

    client = Client(port)
    path = f"/fr/plans/{PLAN}/rapport.pdf"
    response, body = client.get(path)
    print(f"first request: HTTP {response.status} {response.getheader('Content-Type')}")
    if response.status == 202 and b"en pr\xc3\xa9paration" not in body:
        fail("the pending report page does not say 'en préparation'")
    result = {}

    def ready():
        response, body = client.get(path)
        result["response"], result["body"] = response, body
        return response.status == 200 and body.startswith(b"%PDF")

    wait_until(ready, 180, "the report PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(result["body"])).pages)
    print(f"PDF: {len(result['body'])} bytes, {len(text)} characters of text")
    if PLAN_TITLE_WORDS not in text:
        fail("the report PDF does not name its plan")


def mail_through_worker(port, sink):
    step("an e-mail delivered by the worker")
    client = Client(port)
    response, _ = client.get("/fr/comptes/password/reset/")
    body = urllib.parse.urlencode(
        {"email": PARTNER, "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")}
    )
    response, _ = client.request(
        "POST",
        "/fr/comptes/password/reset/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{port}/fr/comptes/password/reset/",
        },
    )
    if response.status != 302:
        fail(f"password reset request: HTTP {response.status}")
    wait_until(lambda: any(PARTNER in m["To"] for m in sink.messages), 90, "the e-mail")
    message = next(m for m in sink.messages if PARTNER in m["To"])
    print(f"received: To={message['To']} Subject={message['Subject']}")


def backup_and_restore(env):
    step("backup, then restore into a new database")
    archive = Path(tempfile.mkdtemp(prefix="portal-backup-")) / "backup.tar.gz"
    manage(env, "backup", "--output", str(archive))
    before_counts = json.loads(shell_output(env, COUNTS))
    before_report = shell_output(env, REPORT_TEXT)

    recreate_database("portal_restored")
    restored = {
        **env,
        "DATABASE_URL": database_url("portal_restored"),
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="portal-restored-media-"),
    }
    manage(restored, "migrate", "--no-input", "-v0")
    manage(restored, "restore", str(archive))
    after_counts = json.loads(shell_output(restored, COUNTS))
    after_report = shell_output(restored, REPORT_TEXT)
    print(
        f"archive {archive.stat().st_size} bytes; {sum(before_counts.values())} rows; "
        f"report text {before_report}"
    )
    # The cache table and the restore's own bookkeeping are not models; tasks are not kept.
    differences = {
        label: (before_counts[label], after_counts.get(label))
        for label in before_counts
        if before_counts[label] != after_counts.get(label)
        and not label.startswith("django_tasks_database.")
        and label != "sessions.Session"
    }
    if differences:
        fail(f"row counts differ after restore: {differences}")
    if before_report != after_report:
        fail(f"the report text differs after restore: {before_report} != {after_report}")


def main():
    port = free_port()
    smtp_port = free_port()
    media = tempfile.mkdtemp(prefix="portal-smoke-media-")
    env = {
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DATABASE_URL": database_url("portal_smoke"),
        "SECRET_KEY": hashlib.sha256(os.urandom(32)).hexdigest(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(smtp_port),
        "SITE_URL": f"http://{HOST}:{port}",
        "SECURE_COOKIES": "0",  # plain HTTP on loopback; behind TLS they stay secure
        "MEDIA_ROOT": media,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }

    step("a new database with the demo data")
    recreate_database("portal_smoke")
    demo = {**env, "PORTAL_DEMO": "1"}
    manage(demo, "migrate", "--no-input", "-v0")
    manage(demo, "load_demo", capture=True)

    check_deploy(env)

    sink = type("Sink", (), {})()
    sink.messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            from email import message_from_bytes, policy

            sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    smtp = Controller(Handler(), hostname=HOST, port=smtp_port)
    smtp.start()

    step(f"make serve on port {port}")
    log = open(Path(tempfile.gettempdir()) / "portal-serve.log", "w")  # noqa: SIM115
    serve = subprocess.Popen(
        ["make", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:

        def healthy():
            if serve.poll() is not None:
                fail(f"make serve exited {serve.returncode}; see {log.name}")
            response, _ = Client(port).get("/healthz")
            return response.status == 200

        wait_until(healthy, 180, "make serve answering /healthz 200")
        check_static_and_health(port)
        load(port)
        report_through_worker(port)
        mail_through_worker(port, sink)
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        smtp.stop()
        log.close()
    backup_and_restore(env)
    print("\nSmoke and load checks passed.")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
