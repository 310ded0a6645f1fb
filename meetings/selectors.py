"""What a member sees of their meetings: their convocations, upcoming or recent."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from meetings.addresses import answer_path, feed_path
from meetings.convocations import when
from meetings.models import DEFAULT_DURATION, Attendance
from partners.models import Person

FEED_PAST_DAYS = 90


def _not_ended(now):
    """Meetings still to come or under way (``Meeting.end``, written as a filter)."""
    return Q(meeting__ends_at__gte=now) | Q(
        meeting__ends_at__isnull=True, meeting__starts_at__gte=now - DEFAULT_DURATION
    )


def convocations_of(person):
    """A person's convocations, with their meeting, its table and committee."""
    return Attendance.objects.filter(person=person).select_related(
        "meeting__table", "meeting__committee"
    )


def feed_convocations(person, *, now=None):
    """The convocations a person's private calendar lists: from 90 days ago onwards."""
    since = (now or timezone.now()) - timedelta(days=FEED_PAST_DAYS)
    return (
        convocations_of(person)
        .filter(meeting__starts_at__gte=since)
        .order_by("meeting__starts_at", "pk")
    )


def upcoming_convocations(user, *, now=None):
    """The meetings a logged-in member is convened to and that have not ended, soonest first."""
    now = now or timezone.now()
    return (
        Attendance.objects.filter(person__user=user)
        .filter(_not_ended(now))
        .select_related("meeting__table", "meeting__committee")
        .order_by("meeting__starts_at", "pk")
    )


@dataclass
class MyMeetings:
    """Mon espace's « Mes rencontres »: the upcoming convocations and the private feed."""

    convocations: list
    feed_path: str


def my_meetings(user, *, now=None):
    """None for an account that is no one's (no person): nobody to convene."""
    person = Person.objects.filter(user=user).only("pk").first()
    if person is None:
        return None
    convocations = list(upcoming_convocations(user, now=now))
    for attendance in convocations:
        attendance.answer_path = answer_path(attendance)
        attendance.when = when(attendance.meeting)
    return MyMeetings(convocations=convocations, feed_path=feed_path(person))
