"""Scheduled jobs: named in settings, run at once by ``run_scheduled``, enqueued by the worker."""

from io import StringIO

from django.core.management import call_command
from django_tasks import task

from common import schedule

RUNS = []


@task()
def count_a_run():
    RUNS.append(1)
    return f"run {len(RUNS)}"


def test_run_scheduled_runs_every_named_job(settings):
    settings.SCHEDULED_TASKS = ["tests.common.test_schedule.count_a_run"]
    RUNS.clear()
    out = StringIO()
    call_command("run_scheduled", stdout=out)
    assert RUNS == [1]
    assert "count_a_run: run 1" in out.getvalue()


def test_the_worker_enqueues_the_jobs_it_is_given(settings):
    settings.SCHEDULED_TASKS = ["tests.common.test_schedule.count_a_run"]
    RUNS.clear()
    schedule.enqueue_scheduled()  # the immediate backend of the tests runs it there and then
    assert RUNS == [1]


def test_the_real_jobs_run_on_an_empty_site_and_send_nothing(db, mailoutbox):
    """Each job named in settings imports, runs and finds nothing to do with no data."""
    out = StringIO()
    call_command("run_scheduled", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(schedule.scheduled_tasks()) >= 2
    assert mailoutbox == []
