"""``manage.py worker``: django-tasks-db's ``db_worker``, with a heartbeat for /healthz."""

import threading

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from portal import health


def _beat_forever(stop):
    while not stop.is_set():
        try:
            health.beat()
        except Exception:  # noqa: BLE001 — a missed beat shows on /healthz, the worker goes on
            pass
        stop.wait(health.HEARTBEAT_SECONDS)


class Command(DBWorkerCommand):
    help = "Run the background worker (e-mails, reports) with a heartbeat for /healthz."

    def handle(self, *args, **options):
        stop = threading.Event()
        threading.Thread(target=_beat_forever, args=(stop,), daemon=True).start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
