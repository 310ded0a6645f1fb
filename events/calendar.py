"""iCalendar feeds: stable UIDs, America/Montreal local times.

Every event, a session of a series included, is its own VEVENT with its own UID, the same in
its own ``.ics`` and in the feeds: a second session added to a calendar sits beside the first
instead of replacing it (a series' UID on each session's file, without RECURRENCE-ID, made
them one event), and each session carries its own place and link."""

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

UID_DOMAIN = "tables-immigration"


def _vevent(event, url_for):
    vevent = VEvent()
    # A public meeting (events.public_meetings) brings its own UID, the one members have.
    vevent.add("uid", getattr(event, "ical_uid", None) or f"evenement-{event.pk}@{UID_DOMAIN}")
    vevent.add("summary", event.title)
    vevent.add("dtstart", timezone.localtime(event.start))
    vevent.add("dtend", timezone.localtime(event.end))
    # When the event was last written: the same file for the same event (a repeat request is
    # a 304), a newer stamp when it changed.
    vevent.add("dtstamp", getattr(event, "updated_at", None) or timezone.now())
    if event.description:
        vevent.add("description", event.description)
    # An event with registration sends its online link to registrants only, never here.
    location = event.location or event.public_online_url
    if event.municipality and event.location:
        location = f"{event.location}, {event.municipality.name}"
    if location:
        vevent.add("location", location)
    vevent.add("url", url_for(event))
    return vevent


def empty_calendar(name):
    calendar = Calendar()
    calendar.add("prodid", "-//Tables immigration//Calendrier//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "America/Montreal")
    return calendar


def calendar_ics(events, *, name, url_for):
    """An .ics calendar (bytes) of ``events``, in Montreal time."""
    calendar = empty_calendar(name)
    for component in components(events, url_for):
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def components(events, url_for):
    """The VEVENTs of ``events``, one each (``events.feeds`` keeps them per event)."""
    return [_vevent(event, url_for) for event in events]
