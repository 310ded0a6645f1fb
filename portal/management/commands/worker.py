"""``manage.py worker``: django-tasks-db's ``db_worker``, with a heartbeat for /healthz, and
riding out a database restart instead of exiting (and taking `make serve` down with it)."""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from common.schedule import SCHEDULE_SECONDS, enqueue_scheduled
from portal import health

logger = logging.getLogger(__name__)
RECONNECT_SECONDS = 5


def _beat_forever(stop):
    while not stop.is_set():
        try:
            health.beat()
        except Exception:  # noqa: BLE001 — a missed beat shows on /healthz, the worker goes on
            pass
        stop.wait(health.HEARTBEAT_SECONDS)


def _schedule_forever(stop):
    """Enqueue the scheduled jobs now and every hour (they are idempotent)."""
    while not stop.is_set():
        try:
            enqueue_scheduled()
        except Exception:  # noqa: BLE001 — logged; the next hour tries again
            logger.exception("The scheduled jobs could not be enqueued.")
        finally:
            connections.close_all()
        stop.wait(SCHEDULE_SECONDS)


class Command(DBWorkerCommand):
    help = (
        "Run the background worker (e-mails, reports) with a heartbeat for /healthz, and "
        "enqueue the scheduled jobs every hour."
    )

    def handle(self, *args, **options):
        stop = threading.Event()
        threading.Thread(target=_beat_forever, args=(stop,), daemon=True).start()
        if not options.get("batch"):
            threading.Thread(target=_schedule_forever, args=(stop,), daemon=True).start()
        try:
            while True:
                try:
                    return super().handle(*args, **options)
                except (OperationalError, InterfaceError):
                    if options.get("batch"):
                        raise
                    logger.warning(
                        "The database is unreachable; the worker tries again in %d s.",
                        RECONNECT_SECONDS,
                        exc_info=True,
                    )
                    connections.close_all()
                    time.sleep(RECONNECT_SECONDS)
        finally:
            stop.set()
