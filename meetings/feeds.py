"""A member's private calendar feed: the meetings they are convened to, with the online link and
the agenda, at an address signed for that person (a calendar app cannot log in). A forged or
unknown address lists nothing."""

from django.utils import translation
from django.utils.translation import gettext as _

from common import links
from meetings.addresses import FEED, answer_link
from meetings.calendar import calendar_bytes, meeting_vevent
from meetings.selectors import feed_convocations
from partners.models import Person


def person_from_token(token):
    """The person a feed address names (``links.InvalidLink`` if forged or gone)."""
    return links.get(Person.objects.all(), FEED, token)


def person_feed(person):
    """``(filename, content_type, bytes)``: the person's meetings as an iCalendar feed."""
    vevents = [
        meeting_vevent(
            attendance.meeting,
            url=answer_link(attendance),
            sequence=attendance.meeting.convocations_sent,
        )
        for attendance in feed_convocations(person)
    ]
    with translation.override("fr"):
        name = _("Mes rencontres — Tables immigration")
    return "rencontres.ics", "text/calendar; charset=utf-8", calendar_bytes(vevents, name=name)
