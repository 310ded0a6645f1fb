"""Jobs run on a schedule: ``settings.SCHEDULED_TASKS`` names them (dotted paths to tasks).

The worker enqueues each of them every ``SCHEDULE_SECONDS`` (an hour); ``manage.py
run_scheduled`` runs them at once (from cron, or by hand). A scheduled task is idempotent: it
records what it did (a reminder sent, with its period) and never does it twice, so two workers,
a restart or a manual run never send anything twice.
"""

from django.conf import settings
from django.utils.module_loading import import_string

SCHEDULE_SECONDS = 3600


def scheduled_tasks():
    return [import_string(path) for path in settings.SCHEDULED_TASKS]


def enqueue_scheduled():
    for task in scheduled_tasks():
        task.enqueue()
