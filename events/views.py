import calendar as calendar_module
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common import links
from common.conditional import conditional_page
from common.responses import file_response
from events import services
from events.calendar import calendar_ics
from events.feeds import feed_ics, feed_version
from events.filters import EventFilter
from events.forms import RegistrationForm
from events.models import Event, Registration
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
@conditional_page()
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
@conditional_page()
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


def _detail_response(request, event, form=None, refusal=None, status=200):
    context = {"event": event}
    if event.registration_required:
        refusal = refusal or services.refusal(event)
        context.update(
            registration_form=None if refusal else form or RegistrationForm(),
            registration_refusal=refusal,
            registration_full=not refusal and services.is_full(event),
        )
    return render(request, "events/event_detail.html", context, status=status)


def _public_event(slug):
    return get_object_or_404(_events(None).prefetch_related("organisers"), slug=slug)


@login_not_required
@conditional_page()
def event_detail(request, slug):
    return _detail_response(request, _public_event(slug))


@login_not_required
@require_POST
def register(request, slug):
    """The registration form of the event's page. Whether the address was new or already
    registered, the page says the same thing: what stands is in the e-mail sent to it."""
    event = _public_event(slug)
    if not event.registration_required:
        raise Http404
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, event, form=form, status=400)
    try:
        services.registration_create(event=event, **form.cleaned_data)
    except services.RegistrationRefused as refused:
        return _detail_response(request, event, refusal=refused.message, status=409)
    messages.success(
        request,
        _(
            "Merci ! Nous avons écrit à %(email)s : ce courriel confirme votre inscription, ou "
            "votre place en liste d'attente, et contient le lien pour l'annuler. Une adresse "
            "déjà inscrite garde son inscription telle quelle : rien n'est fait en double."
        )
        % {"email": form.cleaned_data["email"]},
    )
    return redirect(f"{event.get_absolute_url()}#inscription")


@login_not_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, token):
    """The cancellation link of the e-mails: a page that asks, a button that cancels (a
    link opened by a mail scanner changes nothing)."""
    try:
        registration = services.registration_from_token(token)
    except links.InvalidLink as error:
        return links.refused(request, error)
    event = registration.event
    if registration.status == Registration.Status.CANCELLED and request.method == "GET":
        return links.refused(request, message=_("Cette inscription est déjà annulée."))
    if event.start <= timezone.now():
        return links.refused(request, message=_("Cet événement a déjà eu lieu."))
    cancelled = False
    if request.method == "POST":
        if not services.registration_cancel(registration=registration):
            return links.refused(request, message=_("Cette inscription est déjà annulée."))
        registration.refresh_from_db()
        cancelled = True
    return render(
        request,
        "events/registration_cancel.html",
        {
            "registration": registration,
            "event": event,
            "when": services.when(event),
            "cancelled": cancelled,
        },
    )


def _ics_response(content, filename):
    return file_response(filename, ICS_TYPE, content, inline=True)


def _url_for(request):
    return lambda event: request.build_absolute_uri(event.get_absolute_url())


@login_not_required
@conditional_page()
def event_ics(request, slug):
    event = get_object_or_404(_events(None), slug=slug)
    content = calendar_ics([event], name=event.title, url_for=_url_for(request))
    return _ics_response(content, f"{event.slug}.ics")


def _feed_validator(request, table_slug=None):
    table = Table.objects.filter(slug=table_slug).first() if table_slug else None
    if table_slug and table is None:
        return None
    return feed_version(table)


@login_not_required
@conditional_page(_feed_validator)
def feed(request, table_slug=None):
    """The subscription feed of all tables, or of one: a repeat poll is a 304, a changed feed
    serialises only the events that changed (``events.feeds``)."""
    table = _table_or_none(table_slug)
    name = table.name if table else "Tables immigration"
    address = f"{request.scheme}://{request.get_host()}"
    content = feed_ics(table, name=name, url_for=_url_for(request), address=address)
    return _ics_response(content, f"{table.slug if table else 'evenements'}.ics")
