"""Open data: a published plan as JSON, each indicator with its actual per plan year next to
that year's target (from approved activities, as the plan page counts them)."""

import json
from decimal import Decimal

from django.utils import timezone

from accountability.progress import approved_values, indicator_progress
from actionplans.exports.plan import plan_data


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plan_open_data(plan, today=None):
    """:func:`actionplans.exports.plan.plan_data`, each indicator with ``years`` (plan year,
    target, target as written, actual) and ``actual_total`` (sum, or latest value for an
    indicator that is not cumulative). A year not begun yet has no actual (``null``)."""
    today = today or timezone.localdate()
    years = list(plan.years.all())
    values = approved_values(indicator__measure__objective__axis__plan=plan)

    def actuals(indicator):
        progress = indicator_progress(indicator, years, values[indicator.pk])
        return {
            "years": [
                {
                    "year": year.year.number,
                    "target": _number(year.target),
                    "target_text": year.target_text,
                    "actual": None
                    if year.year.start_date > today
                    else _number(Decimal(year.actual)),
                }
                for year in progress.years
            ],
            "actual_total": _number(Decimal(progress.total_actual)),
        }

    return plan_data(plan, indicator_extra=actuals)


def plan_json(plan):
    """``(filename, content_type, bytes)`` of the plan's open data."""
    content = json.dumps(plan_open_data(plan), ensure_ascii=False, indent=2).encode()
    return f"{plan.slug}.json", "application/json", content
