"""The health of one instance, for /healthz and the worker's heartbeat.

The worker writes the time into the shared cache every ``HEARTBEAT_SECONDS``; /healthz calls it
alive when the last beat is at most ``HEARTBEAT_STALE`` old. Only meaningful where tasks go to
the database (production); where tasks run at once there is no worker to wait for.
"""

import time
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django_tasks import default_task_backend

HEARTBEAT_KEY = "worker:heartbeat"
HEARTBEAT_SECONDS = 15
HEARTBEAT_STALE = 90


def beat(now=None):
    cache.set(HEARTBEAT_KEY, now if now is not None else time.time(), None)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 30)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was written")
    cache.delete(key)


def _storage():
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != b"ok":
                raise RuntimeError("the storage did not return what was written")
    finally:
        default_storage.delete(name)


def _worker():
    if not default_task_backend.supports_defer:
        return {"ok": True, "mode": "immediate"}
    last = cache.get(HEARTBEAT_KEY)
    if last is None:
        return {"ok": False, "error": "no heartbeat yet: is `manage.py worker` running?"}
    age = round(time.time() - last, 1)
    return {"ok": age <= HEARTBEAT_STALE, "last_heartbeat_seconds_ago": age}


def report():
    """``(healthy, checks)``: each check ``{"ok": bool, …}`` with the error when it failed."""
    checks = {}
    for name, probe in (("database", _database), ("cache", _cache), ("storage", _storage)):
        try:
            probe()
        except Exception as error:  # noqa: BLE001 — any failure is the answer
            checks[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        else:
            checks[name] = {"ok": True}
    try:
        checks["worker"] = _worker()
    except Exception as error:  # noqa: BLE001
        checks["worker"] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return all(check["ok"] for check in checks.values()), checks
