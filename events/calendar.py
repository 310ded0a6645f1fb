"""iCalendar feeds: stable UIDs, America/Montreal local times, series as recurring events."""

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
    vevent.add("dtstamp", timezone.now())
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


def _series_vevent(series, events, url_for):
    """One recurring VEVENT (RDATE) for a series whose occurrences share title and duration."""
    first, *others = events
    vevent = _vevent(first, url_for)
    vevent["uid"] = f"serie-{series.pk}@{UID_DOMAIN}"
    if others:
        vevent.add("rdate", [timezone.localtime(event.start) for event in others])
    return vevent


def empty_calendar(name):
    calendar = Calendar()
    calendar.add("prodid", "-//Tables immigration//Calendrier//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "America/Montreal")
    return calendar


def calendar_ics(events, *, name, url_for):
    """An .ics calendar (bytes) of ``events`` (with ``series`` selected), in Montreal time."""
    calendar = empty_calendar(name)
    for component in components(events, url_for):
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def components(events, url_for):
    """The VEVENTs of ``events``: a series whose occurrences agree as one recurring VEVENT,
    everything else one each. A series' VEVENTs depend on its occurrences only
    (``events.feeds`` keeps them per series)."""
    found = []
    by_series, singles = {}, []
    for event in events:
        if event.series_id:
            by_series.setdefault(event.series_id, []).append(event)
        else:
            singles.append(event)
    for occurrences in by_series.values():
        occurrences.sort(key=lambda event: event.start)
        durations = {event.end - event.start for event in occurrences}
        titles = {event.title for event in occurrences}
        # One VEVENT carries the first occurrence's place: only for occurrences that show it
        # alike (with registration, the online link is not public).
        registration = {event.registration_required for event in occurrences}
        if len(durations) == 1 and len(titles) == 1 and len(registration) == 1:
            found.append(_series_vevent(occurrences[0].series, occurrences, url_for))
        else:
            singles.extend(occurrences)
    found.extend(_vevent(event, url_for) for event in singles)
    return found
