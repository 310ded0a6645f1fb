"""The subscription feeds (``evenements.ics`` of all tables or of one) at the size of a province.

Calendar clients poll them: the validator (:func:`feed_version`) is one aggregate over the
events (how many, the last ``updated_at``) and the few public meetings, so a repeat poll is a
304 without reading the events. A changed feed reads three small columns per event and
serialises only what changed: each event's VEVENT is kept in the shared cache with the
``updated_at`` it was written from, per address and language. The VEVENTs themselves come from
:mod:`events.calendar`, as for a single event.
"""

import hashlib
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import translation
from icalendar import Event as VEvent

from events.calendar import components, empty_calendar
from events.models import Event
from events.public_meetings import as_event, public_meetings

# The serialised VEVENTs of a feed, kept in the shared cache between polls (every process
# reads the same copy: the first poll after a change anywhere writes only what changed).
CHUNKS_SECONDS = 7 * 24 * 60 * 60
_FETCH_CHUNK = 900  # under SQLite's limit of variables per query
MONTREAL = ZoneInfo("America/Montreal")


def feed_events(table):
    events = Event.objects.public()
    return events.filter(table=table) if table else events


def _meetings(table):
    return [as_event(meeting) for meeting in public_meetings(table).order_by("starts_at", "pk")]


def feed_version(table):
    """``(data, None)`` naming what the feed of ``table`` (all tables: ``None``)
    holds: the events' count and last change, the public meetings as shown, the name."""
    found = feed_events(table).aggregate(count=Count("pk"), last=Max("updated_at"))
    meetings = [
        (m.pk, m.title, m.start.isoformat(), m.end.isoformat(), m.location, m.table.name)
        for m in _meetings(table)
    ]
    digest = hashlib.sha256(repr(meetings).encode()).hexdigest()
    name = table.name if table else ""
    last = found["last"]
    # An ETag only, no Last-Modified: deleting or unpublishing an event leaves the last
    # change where it was, and a client asking « modified since? » would keep the old feed.
    return f"{found['count']}:{last.isoformat() if last else '-'}:{digest}:{name}", None


def _fetch(pks):
    events = Event.objects.select_related("table", "municipality", "series")
    iterator = iter(pks)
    while chunk := list(islice(iterator, _FETCH_CHUNK)):
        yield from events.filter(pk__in=chunk)


def feed_ics(table, *, name, url_for, address):
    """The feed of ``table`` (all tables: ``None``) as bytes, as
    :func:`events.calendar.calendar_ics` would write it (VEVENTs in another order).
    ``address`` is the scheme and host the events' links are written with.

    Each event's VEVENT is kept, with the ``updated_at`` it was written from, in one entry of
    the shared cache per feed, address and language: a changed feed reads three small columns
    per event and writes again only the events whose ``updated_at`` moved."""
    rows = list(feed_events(table).order_by("start", "pk").values_list("pk", "updated_at"))
    language = translation.get_language()
    key = (
        "feed-chunks:"
        + hashlib.sha256(f"{address}|{language}|{table.pk if table else '-'}".encode()).hexdigest()
    )
    kept = cache.get(key) or {}
    chunks = {pk: kept.get(pk) for pk, _ in rows}
    stale = {pk for pk, updated_at in rows if chunks[pk] is None or chunks[pk][0] != updated_at}
    if stale or len(kept) != len(rows):
        for event in _fetch(stale):
            chunks[event.pk] = (event.updated_at, components([event], url_for)[0].to_ical())
        cache.set(key, chunks, CHUNKS_SECONDS)
    head, tail = empty_calendar(name).to_ical().rsplit(b"END:VCALENDAR", 1)
    meetings = [c.to_ical() for c in components(_meetings(table), url_for)]
    body = [chunk for _updated_at, chunk in chunks.values()]
    return b"".join([head, _timezones(), *meetings, *body, b"END:VCALENDAR", tail])


_timezone_block = []


def _timezones():
    """The VTIMEZONE of America/Montreal the events' times refer to (made once)."""
    if not _timezone_block:
        calendar = empty_calendar("")
        vevent = VEvent()
        vevent.add("dtstart", datetime(2025, 1, 1, tzinfo=MONTREAL))
        calendar.add_component(vevent)
        calendar.add_missing_timezones()
        _timezone_block.append(b"".join(tz.to_ical() for tz in calendar.timezones))
    return _timezone_block[0]
