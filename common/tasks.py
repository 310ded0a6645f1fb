"""Enqueueing background tasks (Django's Tasks API, the django-tasks backport).

Side effects wait for the write that causes them: with a real queue (the database backend in
production) a task is enqueued once the transaction commits, so nothing is sent or rendered for
a write that rolled back, and the task's failure can never roll the write back. Where tasks run
at once (tests, make demo, development), they run at once.
"""

from functools import partial

from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend


def runs_at_once(task):
    return isinstance(task.get_backend(), ImmediateBackend)


def enqueue_after_commit(task, *args, **kwargs):
    if runs_at_once(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, *args, **kwargs), robust=True)
