"""A budget line split into one line per plan year."""

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from actionplans.budget import line_years, spread
from actionplans.models import (
    BudgetLine,
)
from actionplans.rules import period_open_check
from common.formatting import format_date

SPLIT_REASON = gettext_noop("Ligne budgétaire répartie par année")  # read translated
TENTH = Decimal("0.1")


class BudgetLineSplitError(ValueError):
    pass


def _spread_hours(hours, years):
    """``{year: hours}`` to the tenth of an hour (the field's precision), adding up."""
    share = (Decimal(hours) / len(years)).quantize(TENTH, rounding=ROUND_DOWN)
    shares = dict.fromkeys(years, share)
    shares[years[-1]] = Decimal(hours) - share * (len(years) - 1)
    return shares


def budget_line_split(*, line: BudgetLine) -> list[BudgetLine]:
    """Replace ``line``, planned over its measure's schedule, by one line per year of that
    schedule (all the plan's years for a continuous measure), each amount shared as the
    financial statement already shares it (``budget.spread``), so that the measure's total
    stays the document's to the cent. Its actual expenses move to the line of the year their
    date falls in. Each step is recorded in the history."""
    if line.year_id is not None:
        raise BudgetLineSplitError(_("Cette ligne est déjà rattachée à une année du plan."))
    measure = line.measure
    plan_years = list(measure.objective.axis.plan.years.all())
    years = line_years(line, plan_years)
    if not years:
        raise BudgetLineSplitError(_("Le plan n'a pas encore d'années : rien à répartir."))
    staff, other = spread(line.staff_amount, years), spread(line.other_amount, years)
    hours = _spread_hours(line.staff_hours, years)
    plan_id = measure.objective.axis.plan_id
    # Its expenses move to the new lines: none may be in a locked period (``PeriodLocked``).
    period_open_check(plan_id, *line.actual_expenses.values_list("date", flat=True))
    with transaction.atomic():
        parts = []
        for year in years:
            part = BudgetLine(
                measure=measure,
                description=line.description,
                staff_amount=staff[year],
                staff_hours=hours[year],
                other_amount=other[year],
                funding_source=line.funding_source,
                source=line.source,
                year=year,
            )
            part._change_reason = SPLIT_REASON
            part.save()
            parts.append(part)
        for expense in line.actual_expenses.all():
            part = next(
                (p for p in parts if p.year.start_date <= expense.date <= p.year.end_date), None
            )
            if part is None:  # dated in a year the measure's schedule does not hold
                raise BudgetLineSplitError(
                    _(
                        "La dépense du %(date)s tombe hors de l'échéance du moyen d'action : "
                        "rattachez-la à une autre ligne avant de répartir celle-ci."
                    )
                    % {"date": format_date(expense.date)}
                )
            expense.budget_line = part
            expense._change_reason = SPLIT_REASON
            expense.save(update_fields=["budget_line"])
        line._change_reason = SPLIT_REASON
        line.delete()
    return parts
