"""The reminder the day before: confirmed registrants of events starting in the next 24 hours,
once each, however often the job runs."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from events import reminders
from events.models import Registration
from events.reminders import remind_registrants
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

ZOOM = "https://us02web.zoom.us/j/4721206946"


def event_in(hours, table, **kwargs):
    start = timezone.now() + timedelta(hours=hours)
    return EventFactory(
        table=table,
        start=start,
        end=start + timedelta(hours=1),
        online_url=ZOOM,
        registration_required=True,
        **kwargs,
    )


def registered(event, email, status="confirmed", days_ago=5, **kwargs):
    return Registration.objects.create(
        event=event,
        name=email.split("@")[0].title(),
        email=email,
        status=status,
        created_at=timezone.now() - timedelta(days=days_ago),
        **kwargs,
    )


def test_the_reminder_goes_once_to_confirmed_registrants_of_tomorrow(table_a, settings):
    settings.SITE_URL = "https://tables.example"
    tomorrow = event_in(20, table_a, title="Jeudi Immigration de mars")
    ana = registered(tomorrow, "ana@example.org")
    registered(tomorrow, "bo@example.org", status="waiting")
    registered(tomorrow, "cy@example.org", status="cancelled")
    # Registered an hour ago: the confirmation, with the link, is fresh.
    registered(tomorrow, "dee@example.org", days_ago=0)
    # Confirmed from the waiting list this morning: same.
    registered(tomorrow, "ed@example.org", promoted_at=timezone.now() - timedelta(hours=3))
    # Too far ahead (in 30 h), already started, or an event without registration.
    registered(event_in(30, table_a), "later@example.org")
    registered(event_in(-0.5, table_a), "started@example.org")
    unregistered = event_in(20, table_a)
    unregistered.registration_required = False
    unregistered.save()
    registered(unregistered, "open@example.org")

    assert remind_registrants.call() == 1
    assert remind_registrants.call() == 0
    output = StringIO()
    call_command("run_scheduled", stdout=output)
    assert "remind_registrants: 0" in output.getvalue()

    (reminder,) = mail.outbox
    assert reminder.to == ["ana@example.org"]
    assert reminder.subject.startswith("Rappel : Jeudi Immigration de mars, ")
    assert ZOOM in reminder.body
    assert "https://tables.example/fr/evenements/inscription/" in reminder.body
    ana.refresh_from_db()
    assert ana.reminded_at is not None


def test_the_reminder_is_a_scheduled_job(settings):
    assert "events.reminders.remind_registrants" in settings.SCHEDULED_TASKS


def test_a_reminder_claimed_by_another_worker_is_not_sent_again(table_a, monkeypatch):
    """Two workers read the same due registrations; the first to set ``reminded_at`` sends."""
    ana = registered(event_in(20, table_a), "ana@example.org")
    stale = list(reminders.due(timezone.now()))  # what the second worker read
    Registration.objects.filter(pk=ana.pk).update(reminded_at=timezone.now())  # the first sent
    monkeypatch.setattr(reminders, "due", lambda now: stale)
    assert remind_registrants.call() == 0
    assert mail.outbox == []
