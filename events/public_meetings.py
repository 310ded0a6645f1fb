"""Meetings a table puts on its public calendar (``Meeting.is_public``), in the shape of an event:
title, date, place and table, never the online link nor the agenda (members only). They have no
page of their own: they link to their table's page.

The lists mix them with the events through ``Merged``, which reads from each query only as many
rows as the page shows.
"""

import heapq
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from meetings.calendar import meeting_uid
from meetings.models import DEFAULT_DURATION, Meeting, looks_like_a_link
from partners.models import Table

FORMATS = {
    "en-ligne": [Meeting.Mode.VIRTUAL, Meeting.Mode.HYBRID],
    "en-personne": [Meeting.Mode.IN_PERSON, Meeting.Mode.HYBRID],
}


@dataclass(frozen=True)
class PublicMeeting:
    pk: int
    ical_uid: str
    title: str
    start: datetime
    end: datetime
    location: str
    table: Table
    # Never the meeting's link: the public calendar does not carry it.
    online_url: str = ""
    public_online_url: str = ""
    registration_required: bool = False
    description: str = ""
    municipality: None = None
    series_id: None = None

    def get_absolute_url(self):
        return self.table.get_absolute_url()


def as_event(meeting):
    location = "" if looks_like_a_link(meeting.location) else meeting.location
    if not location and meeting.mode == Meeting.Mode.VIRTUAL:
        location = _("En ligne")
    return PublicMeeting(
        pk=meeting.pk,
        ical_uid=meeting_uid(meeting),
        title=meeting.name,
        start=meeting.starts_at,
        end=meeting.end,
        location=location,
        table=meeting.table,
    )


def public_meetings(table=None, filters=None):
    """The public meetings of ``table`` (of all tables without one) that the event filters'
    values let through: a municipality or an audience chosen leaves no meeting."""
    filters = filters or {}
    if filters.get("municipalite") or filters.get("public"):
        return Meeting.objects.none()
    if filters.get("type") not in (None, "", "meeting"):
        return Meeting.objects.none()
    meetings = Meeting.objects.filter(is_public=True).select_related("table", "committee")
    if chosen := table or filters.get("table"):
        meetings = meetings.filter(table=chosen)
    if modes := FORMATS.get(filters.get("format") or ""):
        meetings = meetings.filter(mode__in=modes)
    return meetings


def ended_before(now):
    return Q(ends_at__lt=now) | Q(ends_at__isnull=True, starts_at__lt=now - DEFAULT_DURATION)


class Merged:
    """Events and public meetings as one list ordered by start, for the Paginator: a slice
    reads at most ``stop`` rows of each query."""

    def __init__(self, events, meetings, *, reverse=False):
        self.events, self.meetings, self.reverse = events, meetings, reverse

    def count(self):
        return self.events.count() + self.meetings.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        stop = index.stop
        events = list(self.events[:stop])
        meetings = [as_event(meeting) for meeting in self.meetings[:stop]]
        merged = heapq.merge(events, meetings, key=lambda item: item.start, reverse=self.reverse)
        return list(merged)[index.start : stop]
