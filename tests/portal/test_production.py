"""Production settings fail closed, /healthz tells what is down, logs say who did what."""

import io
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from portal import health

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-random-value-for-the-test-only-0123456789",
    "DATABASE_URL": "postgres://portal:portal@db.example:5432/portal",
    "EMAIL_HOST": "smtp.example",
}
SHOW = (
    "import django, json; from django.conf import settings; django.setup(); print(json.dumps({"
    "'cache': settings.CACHES['default']['BACKEND'], 'tasks': settings.TASKS['default']['BACKEND'],"
    "'static': settings.STORAGES['staticfiles']['BACKEND'], 'mail': settings.EMAIL_DELIVERY_BACKEND,"
    "'debug': settings.DEBUG}))"
)


def start(**env):
    """Import the settings in a fresh process, as gunicorn or manage.py would."""
    environ = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def test_production_refuses_every_development_default_and_names_the_variable():
    result = start()
    assert result.returncode != 0
    refusal = result.stderr.splitlines()[-5:]
    assert "Production settings refused (DEBUG is off)" in "\n".join(refusal)
    for variable in ("SECRET_KEY:", "DATABASE_URL:", "EMAIL_HOST:"):
        assert any(variable in line for line in refusal), (variable, refusal)


@pytest.mark.parametrize(
    "change, variable",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DATABASE_URL": "sqlite:////tmp/portal.sqlite3"}, "DATABASE_URL"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_HOST"),
    ],
)
def test_each_refusal_alone(change, variable):
    env = {**PRODUCTION_ENV, **change}
    if env["SECRET_KEY"] == "":
        del env["SECRET_KEY"]
    result = start(**env)
    assert result.returncode != 0
    assert f"  - {variable}:" in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("  - ")]) == 1


def test_production_starts_with_shared_cache_worker_queue_and_hashed_static_files():
    result = start(**PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cache": "django.core.cache.backends.db.DatabaseCache",
        "tasks": "django_tasks_db.DatabaseBackend",
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "mail": "django.core.mail.backends.smtp.EmailBackend",
        "debug": False,
    }


def test_redis_when_redis_url_is_set_and_sqlite_only_when_allowed():
    result = start(
        **{
            **PRODUCTION_ENV,
            "REDIS_URL": "redis://cache.example:6379/0",
            "DATABASE_URL": "sqlite:////tmp/portal.sqlite3",
            "ALLOW_SQLITE": "1",
        }
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_sentry_reports_errors_when_its_dsn_is_set():
    show = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"
    environ = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    for dsn, active in (("https://public@sentry.example/1", "True"), (None, "False")):
        env = {**environ, **PRODUCTION_ENV, **({"SENTRY_DSN": dsn} if dsn else {})}
        result = subprocess.run(
            [sys.executable, "-c", show], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.stdout.strip() == active, result.stderr


def test_make_demo_keeps_its_embedded_defaults():
    result = start(PORTAL_DEMO="1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "tasks": "django_tasks.backends.immediate.ImmediateBackend",
        "static": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "mail": "django.core.mail.backends.console.EmailBackend",
        "debug": False,
    }


def test_a_per_process_cache_is_refused():
    from django.conf import settings

    from portal.production import unsafe_settings

    values = {
        "SECRET_KEY": "x" * 50,
        "DATABASES": settings.DATABASES,
        "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    }
    problems = unsafe_settings(values, {"ALLOW_SQLITE": "1"})
    assert len(problems) == 1 and problems[0].startswith("REDIS_URL:")


@pytest.mark.django_db
def test_healthz_reports_each_part(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.get("/healthz")
    assert response.status_code == 503  # no worker has beaten yet
    body = response.json()
    assert body["status"] == "failing"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "storage": True,
        "worker": False,
    }
    assert "manage.py worker" in body["checks"]["worker"]["error"]
    assert "no-cache" in response["Cache-Control"]

    health.beat()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"

    health.beat(time.time() - health.HEARTBEAT_STALE - 5)  # the worker stopped long ago
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_healthz_says_when_storage_fails(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    response = client.get("/healthz")
    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False and storage["error"]


@pytest.mark.django_db
def test_log_lines_carry_request_id_user_id_and_the_action(client, plan_a, table_a):
    from tests.factories import ActivityFactory, coordinator_of, measure_in

    coordinator = coordinator_of(table_a, username="coordination@example.org")
    activity = ActivityFactory(measure=measure_in(plan_a, "1.1.1"), status="submitted")
    client.force_login(coordinator)
    [stdout] = [handler for handler in logging.getLogger().handlers if handler.name == "stdout"]
    output = io.StringIO()
    previous = stdout.setStream(output)
    try:
        response = client.post(
            reverse("activities:approve", args=[activity.pk]),
            {"version": activity.version},
            HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef",
        )
    finally:
        stdout.setStream(previous)
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    [line] = [line for line in output.getvalue().splitlines() if " audit " in line]
    assert line.endswith(
        " INFO audit request=0123456789abcdef0123456789abcdef "
        f"user={coordinator.pk} action=activity.approved activity={activity.pk}"
    )


@pytest.mark.django_db
def test_the_site_is_named_from_site_url_after_migrate(settings):
    from django.contrib.sites.models import Site
    from django.core.management import call_command

    settings.SITE_URL = "https://portail.tables.example"
    call_command("migrate", verbosity=0)
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("portail.tables.example", "Tables immigration")


@pytest.mark.django_db
def test_password_reset_mail_names_the_portal_not_example_com(client, settings):
    from django.contrib.sites.models import Site
    from django.core import mail

    from portal.site_domain import site_sync
    from tests.factories import UserFactory

    settings.SITE_URL = "https://portail.tables.example"
    site_sync()
    user = UserFactory(email="partenaire@example.org")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": user.email})
    [message] = mail.outbox
    assert "example.com" not in message.body
    assert "Tables immigration" in message.body
    assert Site.objects.get_current().domain in message.body


def test_the_worker_rides_out_a_database_restart(monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django.core.management import call_command
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker

    from portal.management.commands import worker

    runs = []

    def run(self):
        runs.append(1)
        if len(runs) == 1:
            raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(worker, "RECONNECT_SECONDS", 0)
    call_command("worker", reload=False, startup_delay=False)
    assert len(runs) == 2


def test_commands_that_write_the_source_tree_need_no_production_variables():
    environ = {"PATH": "/usr/bin:/bin"}
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    made = run("makemigrations", "--check", "--dry-run")
    assert made.returncode == 0 and "No changes detected" in made.stdout, made.stderr
    served = run("check")  # anything else still refuses, naming what to set
    assert served.returncode != 0 and "SECRET_KEY:" in served.stderr
