"""The reminder the day before an event, to its confirmed registrants (a scheduled task).

The window: events that start in the next 24 hours (later than now, at most 24 hours from
now). Run hourly by the worker, each registrant is reminded about a day before, at the first
run after the event enters the window. Only registrants confirmed before the window opened
(24 hours before the start) are reminded: whoever registered or left the waiting list since
has just received the online link in that e-mail.

Idempotent: a registration is claimed by setting its ``reminded_at`` in one UPDATE that only
matches while it is still empty, then written to; two workers, a restart or a manual
``run_scheduled`` never send a reminder twice.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from events.models import Registration
from events.services import send_reminder

WINDOW = timedelta(hours=24)


def due(now):
    """The confirmed registrations to remind at ``now`` (see the module's docstring)."""
    return (
        Registration.objects.confirmed()
        .filter(
            event__registration_required=True,
            event__start__gt=now,
            event__start__lte=now + WINDOW,
            reminded_at__isnull=True,
        )
        .select_related("event__table", "event__municipality")
    )


@task()
def remind_registrants():
    """Remind the confirmed registrants of events starting in the next 24 hours, once each;
    returns how many were reminded."""
    now = timezone.now()
    sent = 0
    for registration in due(now):
        window_opened = registration.event.start - WINDOW
        confirmed_at = registration.promoted_at or registration.created_at
        if confirmed_at >= window_opened:
            continue  # their confirmation, with the link, came within the day
        claimed = Registration.objects.confirmed()
        claimed = claimed.filter(pk=registration.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if claimed:
            send_reminder(registration)
            sent += 1
    return sent
