"""Reporting periods: a plan year, a half-year, any date range, or the whole plan.

The public report takes only the plan's own periods (:func:`parse_plan_period`); logged-in
coordinators and ministry staff may ask for any range (:func:`parse_period`).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from common.formatting import format_date


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    key: str

    @property
    def label(self):
        return _("Du %(start)s au %(end)s") % {
            "start": format_date(self.start),
            "end": format_date(self.end),
        }

    def contains(self, day):
        return self.start <= day <= self.end


def plan_periods(plan):
    """The choices offered for ``plan``: whole plan, each year, each half-year."""
    periods = [("all", _("Ensemble du plan"))]
    for year in plan.years.all():
        label = f"{year.start_date.year}-{year.end_date.year}"
        periods.append(
            (label, _("An %(number)s (%(label)s)") % {"number": year.number, "label": label})
        )
        middle = _half(year)
        periods.append(
            (
                f"{year.start_date.isoformat()}:{middle.isoformat()}",
                _("An %(number)s, premier semestre") % {"number": year.number},
            )
        )
        periods.append(
            (
                f"{(middle + timedelta(days=1)).isoformat()}:{year.end_date.isoformat()}",
                _("An %(number)s, second semestre") % {"number": year.number},
            )
        )
    return periods


def _half(year):
    """Last day of the year's first six months."""
    month = year.start_date.month + 6
    first_of_next = date(year.start_date.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def parse_period(plan, text):
    """``all``, ``2023-2024`` (a plan year by its years) or ``2023-04-01:2023-09-30``."""
    text = (text or "all").strip()
    if text == "all":
        return Period(plan.start_date, plan.end_date, "all")
    if match := re.fullmatch(r"(\d{4})-(\d{4})", text):
        for year in plan.years.all():
            if (year.start_date.year, year.end_date.year) == (int(match[1]), int(match[2])):
                return Period(year.start_date, year.end_date, text)
        raise PeriodError(_("Le plan n'a pas d'année %(period)s.") % {"period": text})
    if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})", text):
        try:
            start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError as error:
            raise PeriodError(_("Date invalide : %(period)s.") % {"period": text}) from error
        if end < start:
            raise PeriodError(_("La fin de la période précède son début."))
        return Period(start, end, text)
    raise PeriodError(
        _("Période illisible : %(period)s (attendu : all, 2023-2024 ou 2023-04-01:2023-09-30).")
        % {"period": text}
    )


def parse_plan_period(plan, text):
    """Like :func:`parse_period`, but only the periods of :func:`plan_periods` (no other range).

    For anonymous requests: each one is a full report run, so the choice stays bounded.
    """
    text = (text or "all").strip()
    if text not in {key for key, _label in plan_periods(plan)}:
        raise PeriodError(_("Le plan n'offre pas la période %(period)s.") % {"period": text})
    return parse_period(plan, text)
