"""``manage.py run_scheduled``: run the scheduled jobs now (the worker runs them hourly)."""

from django.core.management.base import BaseCommand

from common.schedule import scheduled_tasks


class Command(BaseCommand):
    help = "Run the scheduled jobs (reminders) at once; each is safe to run again."

    def handle(self, *args, **options):
        for task in scheduled_tasks():
            result = task.call()
            self.stdout.write(f"{task.name}: {result}")
