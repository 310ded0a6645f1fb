"""The subscription feeds (``evenements.ics`` of all tables or of one) at the size of a province.

Calendar clients poll them: the validator (:func:`feed_version`) is one aggregate over the
events (how many, the last ``updated_at``) and the few public meetings, so a repeat poll is a
304 without reading the events. A changed feed reads three small columns per event and
serialises only what changed: each event's VEVENT is kept in this process, keyed by its
``updated_at``, the address and the
language. The VEVENTs themselves come from :mod:`events.calendar`, as for a single event.
"""

import hashlib
import threading
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from django.db.models import Count, Max
from django.utils import translation
from icalendar import Event as VEvent

from events.calendar import components, empty_calendar
from events.models import Event
from events.public_meetings import as_event, public_meetings

# Serialised VEVENTs by (address, language, group); at most this many, then it starts over.
MEMO_LIMIT = 100_000
_memo = {}
_memo_lock = threading.Lock()
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


def _groups(rows):
    """``[(what, (event pk,)), …]`` in the feed's order, ``what`` naming the event's version:
    each event, a session of a series included, is its own VEVENT (events.calendar)."""
    return [(("event", pk, updated_at), (pk,)) for pk, updated_at in rows]


def _fetch(pks):
    events = Event.objects.select_related("table", "municipality", "series")
    iterator = iter(pks)
    while chunk := list(islice(iterator, _FETCH_CHUNK)):
        yield from events.filter(pk__in=chunk)


def _remember(entries):
    with _memo_lock:
        if len(_memo) + len(entries) > MEMO_LIMIT:
            _memo.clear()
        _memo.update(entries)


def feed_ics(table, *, name, url_for, address):
    """The feed of ``table`` (all tables: ``None``) as bytes, as
    :func:`events.calendar.calendar_ics` would write it (VEVENTs in another order).
    ``address`` is the scheme and host the events' links are written with."""
    rows = feed_events(table).order_by("start", "pk").values_list("pk", "updated_at")
    prefix = (address, translation.get_language())
    chunks = {key: _memo.get((prefix, key)) for key in _groups(rows)}
    missing = [key for key, chunk in chunks.items() if chunk is None]
    if missing:
        by_pk = {event.pk: event for event in _fetch(pk for _key, pks in missing for pk in pks)}
        for key in missing:
            events = [by_pk[pk] for pk in key[1] if pk in by_pk]
            chunks[key] = b"".join(c.to_ical() for c in components(events, url_for))
        _remember({(prefix, key): chunks[key] for key in missing})
    head, tail = empty_calendar(name).to_ical().rsplit(b"END:VCALENDAR", 1)
    meetings = [c.to_ical() for c in components(_meetings(table), url_for)]
    return b"".join([head, _timezones(), *meetings, *chunks.values(), b"END:VCALENDAR", tail])


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
