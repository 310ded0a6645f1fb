import calendar as calendar_module
from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from common.responses import file_response
from events.calendar import calendar_ics
from events.filters import EventFilter
from events.models import Event
from events.public_meetings import Merged, as_event, ended_before, public_meetings
from partners.models import Table

ICS_TYPE = "text/calendar; charset=utf-8"


def _table_or_none(table_slug):
    return get_object_or_404(Table, slug=table_slug) if table_slug else None


def _events(table):
    events = Event.objects.public().select_related("table", "municipality", "series")
    return events.filter(table=table) if table else events


def _public_meetings(table, event_filter):
    """The public meetings the filters let through (their values, once checked)."""
    if not event_filter.is_bound:
        return public_meetings(table)
    if not event_filter.is_valid():
        return public_meetings(table).none()
    return public_meetings(table, event_filter.form.cleaned_data)


@login_not_required
def event_list(request, table_slug=None):
    """Upcoming (or past, ``?quand=passes``) public events, filtered in the URL."""
    table = _table_or_none(table_slug)
    past = request.GET.get("quand") == "passes"
    event_filter = EventFilter(request.GET or None, queryset=_events(table))
    events = event_filter.qs.past() if past else event_filter.qs.upcoming()
    meetings = _public_meetings(table, event_filter)
    now = timezone.now()
    if past:
        meetings = meetings.filter(ended_before(now)).order_by("-starts_at", "pk")
    else:
        meetings = meetings.exclude(ended_before(now)).order_by("starts_at", "pk")
    listed = Merged(events, meetings, reverse=past)
    page = Paginator(listed, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "events/event_list.html",
        {
            "table": table,
            "filter": event_filter,
            "page": page,
            "past": past,
            "keep": [("quand", "passes")] if past else [],
            "month_url_args": (today.year, today.month),
        },
    )


@login_not_required
def event_month(request, year, month, table_slug=None):
    table = _table_or_none(table_slug)
    if not (1 <= month <= 12 and 1900 < year < 2200):
        raise Http404
    first = date(year, month, 1)
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, zone)
    last_day = calendar_module.monthrange(year, month)[1]
    end = datetime.combine(date(year, month, last_day), time.max, zone)
    event_filter = EventFilter(request.GET or None, queryset=_events(table))
    events = list(event_filter.qs.filter(start__lte=end, end__gte=start).order_by("start"))
    meetings = _public_meetings(table, event_filter).filter(
        starts_at__lte=end, starts_at__gte=start - timedelta(days=1)
    )
    events += [meeting for meeting in map(as_event, meetings) if meeting.end >= start]
    events.sort(key=lambda item: item.start)
    by_day = {}
    for event in events:
        by_day.setdefault(timezone.localtime(event.start).date(), []).append(event)
    weeks = [
        [(day, by_day.get(day, [])) for day in week]
        for week in calendar_module.Calendar(firstweekday=6).monthdatescalendar(year, month)
    ]
    previous = first - timedelta(days=1)
    following = first + timedelta(days=32)
    return render(
        request,
        "events/event_month.html",
        {
            "table": table,
            "filter": event_filter,
            "month": first,
            "weeks": weeks,
            "previous": (previous.year, previous.month),
            "next": (following.year, following.month),
            "weekdays": [date(2023, 1, day) for day in range(1, 8)],  # Sunday 1 Jan 2023 …
        },
    )


@login_not_required
def event_detail(request, slug):
    event = get_object_or_404(_events(None).prefetch_related("organisers"), slug=slug)
    return render(request, "events/event_detail.html", {"event": event})


def _ics_response(content, filename):
    return file_response(filename, ICS_TYPE, content, inline=True)


def _url_for(request):
    return lambda event: request.build_absolute_uri(event.get_absolute_url())


@login_not_required
def event_ics(request, slug):
    event = get_object_or_404(_events(None), slug=slug)
    content = calendar_ics([event], name=event.title, url_for=_url_for(request))
    return _ics_response(content, f"{event.slug}.ics")


@login_not_required
def feed(request, table_slug=None):
    """The subscription feed of all tables, or of one."""
    table = _table_or_none(table_slug)
    events = [*_events(table).order_by("start"), *map(as_event, public_meetings(table))]
    name = table.name if table else "Tables immigration"
    content = calendar_ics(events, name=name, url_for=_url_for(request))
    return _ics_response(content, f"{table.slug if table else 'evenements'}.ics")
