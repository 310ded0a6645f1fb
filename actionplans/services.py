"""Writes on action plans. Views, admin and commands call these; they hold the rules."""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction

from actionplans.models import Indicator, Plan, PlanYear, Target

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?")


def number_from_text(text):
    """The first number written in ``text`` ("3 capsules" → 3, "17 340$" → 17340), else None."""
    match = _NUMBER.search(text or "")
    if not match:
        return None
    whole = re.sub(r"\D", "", match.group(1))
    fraction = match.group(2) or "0"
    try:
        return Decimal(f"{whole}.{fraction}")
    except InvalidOperation:
        return None


def _add_year(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def plan_year_periods(start: date, end: date):
    """Consecutive twelve-month periods from ``start``, the last one ending on ``end``."""
    periods = []
    current = start
    while current <= end:
        period_end = min(_add_year(current) - timedelta(days=1), end)
        periods.append((current, period_end))
        current = period_end + timedelta(days=1)
    return periods


@transaction.atomic
def plan_years_sync(*, plan: Plan):
    """Make the plan's years match its dates: year 1 starts on the plan's first day.

    Years past the new end are deleted only when nothing refers to them.
    """
    periods = plan_year_periods(plan.start_date, plan.end_date)
    existing = {year.number: year for year in plan.years.all()}
    for number, (start, end) in enumerate(periods, start=1):
        year = existing.pop(number, None)
        if year is None:
            PlanYear.objects.create(plan=plan, number=number, start_date=start, end_date=end)
        elif (year.start_date, year.end_date) != (start, end):
            year.start_date, year.end_date = start, end
            year.save(update_fields=["start_date", "end_date"])
    for year in existing.values():
        if not (year.targets.exists() or year.measures.exists()):
            year.delete()


@transaction.atomic
def indicator_targets_set(*, indicator: Indicator, texts_by_year: dict):
    """Write the targets of ``indicator``: ``{PlanYear or None: "text as written"}``.

    ``None`` as key is the target for the whole plan. An empty text removes that target.
    The numeric value is read from the text.
    """
    current = {target.year_id: target for target in indicator.targets.all()}
    for year, text in texts_by_year.items():
        year_id = year.pk if year else None
        text = (text or "").strip()
        target = current.get(year_id)
        if not text:
            if target:
                target.delete()
            continue
        value = number_from_text(text)
        if target is None:
            Target.objects.create(indicator=indicator, year=year, text=text, value=value)
        elif (target.text, target.value) != (text, value):
            target.text, target.value = text, value
            target.save(update_fields=["text", "value"])
