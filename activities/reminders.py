"""Reminders to partners who declared nothing: a scheduled job (``settings.SCHEDULED_TASKS``).

``reminder_days`` before the end of the current half-year of a table's running plan (the
half-years of :func:`actionplans.periods.plan_periods`), each organisation that leads or is a
partner of one of the plan's measures and has declared no activity dated in that half-year gets
one e-mail (its people with an account, else its general address) listing its measures and the
link to declare; then the table's coordinators get one e-mail naming who was reminded.

Each reminder is recorded (:class:`~activities.models.Reminder`, unique per table,
organisation and period) in the same transaction as its e-mail is queued, under a lock on the
table's row: run hourly, twice at once or by hand, it is sent once per period.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from actionplans.models import Measure, Plan
from actionplans.periods import parse_period, plan_periods
from activities.models import Activity, Reminder
from common import audit
from common.formatting import format_date
from partners.models import Organisation, Table


@dataclass
class Reminded:
    organisation: Organisation
    measures: list = field(default_factory=list)
    recipients: list = field(default_factory=list)


def running_plan(table, today):
    """The table's published plan running ``today`` (the latest started, if two overlap)."""
    return (
        Plan.objects.published()
        .filter(table=table, start_date__lte=today, end_date__gte=today)
        .order_by("-start_date", "-pk")
        .first()
    )


def current_half_year(plan, today):
    """The half-year of ``plan`` that holds ``today`` (a :class:`~actionplans.periods.Period`)."""
    for key, _label in plan_periods(plan):
        if ":" in key and (period := parse_period(plan, key)).contains(today):
            return period
    return None


def reminder_window(table, today):
    """``(plan, period)`` when ``today`` is within ``table.reminder_days`` of the end of the
    running plan's current half-year, else ``None``."""
    if table.reminder_days <= 0:
        return None
    plan = running_plan(table, today)
    period = current_half_year(plan, today) if plan is not None else None
    if period is None or today < period.end - timedelta(days=table.reminder_days):
        return None
    return plan, period


def silent_organisations(plan, period):
    """The organisations of the plan's measures (leads and partners) that declared nothing
    dated in ``period`` for this plan (a draft is not declared), each with its measures."""
    measures = (
        Measure.objects.current()
        .of_plan(plan)
        .in_plan_order()
        .prefetch_related("leads", "partners")
    )
    declared = set(
        Activity.objects.alive()
        .of_plan(plan)
        .exclude(status=Activity.Status.DRAFT)
        .filter(date__gte=period.start, date__lte=period.end)
        .values_list("organisation_id", flat=True)
    )
    silent = {}
    for measure in measures:
        for organisation in [*measure.leads.all(), *measure.partners.all()]:
            if organisation.pk in declared:
                continue
            entry = silent.setdefault(organisation.pk, Reminded(organisation))
            if measure not in entry.measures:
                entry.measures.append(measure)
    return sorted(silent.values(), key=lambda entry: entry.organisation.name.lower())


def recipients_of(organisation):
    """The addresses of the organisation's people with an active account; else its general
    address; else none."""
    addresses = []
    for person in organisation.people.filter(user__is_active=True).select_related("user"):
        address = (person.user.email or person.email).strip()
        if address and address.lower() not in {known.lower() for known in addresses}:
            addresses.append(address)
    if not addresses and organisation.email:
        addresses.append(organisation.email)
    return addresses


def _declare_url(measure=None):
    with translation.override("fr"):
        path = reverse("activities:create")
    return f"{settings.SITE_URL}{path}" + (f"?mesure={measure.pk}" if measure else "")


def _partner_message(table, period, entry):
    context = {
        "table": table,
        "organisation": entry.organisation,
        "period_end": format_date(period.end),
        "period": period.label,
        "measures": [(measure, _declare_url(measure)) for measure in entry.measures],
        "declare_url": _declare_url(),
    }
    subject = _("Rappel : vos activités à déclarer avant le %(end)s (%(table)s)") % {
        "end": context["period_end"],
        "table": table.name,
    }
    return EmailMessage(
        subject=subject,
        body=render_to_string("activities/email/reminder.txt", context),
        to=entry.recipients,
    )


def _coordinators_message(table, period, reminded):
    addresses = [user.email for user in table.coordinators.filter(is_active=True).exclude(email="")]
    if not addresses:
        return None
    context = {
        "table": table,
        "period": period.label,
        "reached": [entry for entry in reminded if entry.recipients],
        "unreachable": [entry for entry in reminded if not entry.recipients],
    }
    subject = _("Rappels envoyés aux partenaires : %(table)s") % {"table": table.name}
    return EmailMessage(
        subject=subject,
        body=render_to_string("activities/email/reminders_sent.txt", context),
        to=addresses,
    )


def table_remind(*, table, today):
    """Remind the table's silent organisations, once per period; returns those reminded now."""
    window = reminder_window(table, today)
    if window is None:
        return []
    plan, period = window
    with transaction.atomic():
        Table.objects.select_for_update().filter(pk=table.pk).first()  # one run at a time
        done = set(
            Reminder.objects.filter(
                table=table, period_start=period.start, period_end=period.end
            ).values_list("organisation_id", flat=True)
        )
        reminded = [
            entry
            for entry in silent_organisations(plan, period)
            if entry.organisation.pk not in done
        ]
        if not reminded:
            return []
        with translation.override("fr"):
            for entry in reminded:
                entry.recipients = recipients_of(entry.organisation)
                Reminder.objects.create(
                    table=table,
                    organisation=entry.organisation,
                    period_start=period.start,
                    period_end=period.end,
                    recipients=", ".join(entry.recipients),
                )
                if entry.recipients:
                    _partner_message(table, period, entry).send()
            if (message := _coordinators_message(table, period, reminded)) is not None:
                message.send()
        audit.record(
            "reminders.send",
            table=table.pk,
            period=f"{period.start}:{period.end}",
            organisations=len(reminded),
        )
    return reminded


def partners_remind(*, today: date):
    """Every table's reminders due ``today``; returns ``{table: [reminded, …]}``."""
    sent = {}
    for table in Table.objects.filter(~Q(reminder_days=0)).order_by("pk"):
        if reminded := table_remind(table=table, today=today):
            sent[table] = reminded
    return sent


@task()
def remind_partners(today: str | None = None):
    """The scheduled job: today's reminders (``today`` as ISO date, for a run by hand)."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    sent = partners_remind(today=day)
    return sum(len(reminded) for reminded in sent.values())
