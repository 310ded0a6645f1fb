"""A parsed plan checked against the fields it will be written to: numbers too large, texts too
long, each refused with its line, its axis, objective or measure, and the field's name."""

from django.utils.translation import gettext as _

from actionplans.models import (
    Axis,
    BudgetLine,
    Indicator,
    Measure,
    Objective,
    PlanExpense,
    Target,
)
from common.validation import field_errors


def _messages(where, model, values):
    return [
        _("%(where)s, « %(field)s » : %(error)s")
        % {"where": where, "field": label, "error": " ".join(messages)}
        for label, messages in field_errors(model, values)
    ]


def _measure_messages(measure):
    where = _("Ligne %(line)s, moyen d'action %(number)s") % {
        "line": measure.line,
        "number": measure.number,
    }
    errors = []
    for budget in measure.budget_lines:
        errors += _messages(
            where,
            BudgetLine,
            {
                "staff_amount": budget.staff_amount,
                "staff_hours": budget.staff_hours,
                "other_amount": budget.other_amount,
                "description": budget.description,
                "funding_source": budget.funding_source,
            },
        )
    # A measure's title and responsibility are unbounded text.
    errors += _messages(
        where, Measure, {"number": measure.number, "schedule_text": measure.schedule_text}
    )
    for indicator in measure.indicators:
        errors += _messages(where, Indicator, {"label": indicator.label})
        for target in indicator.targets.values():
            errors += _messages(where, Target, {"text": target.text, "value": target.value})
    return errors


def field_limit_errors(parsed):
    """Messages for every value of ``parsed`` that its model field would refuse; [] if none."""
    errors = []
    for axis in parsed.axes:
        where = _("Ligne %(line)s, axe %(number)s") % {"line": axis.line, "number": axis.number}
        errors += _messages(where, Axis, {"number": axis.number, "title": axis.title})
        for objective in axis.objectives:
            where = _("Ligne %(line)s, objectif %(number)s") % {
                "line": objective.line,
                "number": objective.number,
            }
            errors += _messages(
                where, Objective, {"number": objective.number, "title": objective.title}
            )
            for measure in objective.measures:
                errors += _measure_messages(measure)
    for expense in parsed.expenses:
        where = _("Ligne %(line)s, « %(label)s »") % {
            "line": expense.line,
            "label": expense.label[:60],
        }
        errors += _messages(where, PlanExpense, {"label": expense.label, "amount": expense.amount})
    return errors
