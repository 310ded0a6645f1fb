"""Files out: a plan as open data (JSON) or as a spreadsheet (XLSX, CSV).

Each function returns ``(filename, content_type, content)``; views and commands only wrap it.
"""

import io
import json
import zipfile
from decimal import Decimal

import tablib
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from actionplans.models import Axis, Indicator, Measure, Objective
from actionplans.resources import MeasureResource
from common.spreadsheets import HOURS_FORMAT, MONEY_FORMAT, spreadsheet_export

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


def _number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _measure_data(measure, indicator_extra=None):
    lines = list(measure.budget_lines.all())
    return {
        "number": measure.number,
        "title": measure.title,
        "responsibility": measure.responsibility,
        "leads": [organisation.name for organisation in measure.leads.all()],
        "partners": [organisation.name for organisation in measure.partners.all()],
        "schedule": {
            "years": [year.number for year in measure.years.all()],
            "continuous": measure.is_continuous,
            "text": measure.schedule_text,
        },
        "outside_pac": measure.outside_pac,
        "budget": {
            "staff_amount": _number(sum((line.staff_amount for line in lines), Decimal(0))),
            "staff_hours": _number(sum((line.staff_hours for line in lines), Decimal(0))),
            "other_amount": _number(sum((line.other_amount for line in lines), Decimal(0))),
            "total": _number(measure.budget_total),
            "funding_sources": sorted(
                {line.funding_source for line in lines if line.funding_source}
            ),
        },
        "indicators": [
            {
                "label": indicator.label,
                "unit": indicator.unit,
                "cumulative": indicator.is_cumulative,
                "baseline": _number(indicator.baseline),
                "targets": [
                    {
                        "year": target.year.number if target.year else None,
                        "value": _number(target.value),
                        "text": target.text,
                    }
                    for target in indicator.targets.all()
                ],
                **(indicator_extra(indicator) if indicator_extra else {}),
            }
            for indicator in measure.indicators.all()
        ],
    }


def plan_data(plan, indicator_extra=None):
    """The plan nested as axes → objectives → measures → indicators → targets.

    ``indicator_extra(indicator)``, if given, returns keys added to each indicator's entry
    (the open data adds the actuals, which this layer does not know)."""
    measures = Measure.objects.current().prefetch_related(
        "leads",
        "partners",
        "years",
        "budget_lines",
        Prefetch("indicators", Indicator.objects.prefetch_related("targets__year")),
    )
    axes = Axis.objects.filter(plan=plan).prefetch_related(
        Prefetch("objectives", Objective.objects.prefetch_related(Prefetch("measures", measures)))
    )
    axes_data = [
        {
            "number": axis.number,
            "title": axis.title,
            "objectives": [
                {
                    "number": objective.number,
                    "title": objective.title,
                    "measures": [
                        _measure_data(measure, indicator_extra)
                        for measure in objective.measures.all()
                    ],
                }
                for objective in axis.objectives.all()
            ],
        }
        for axis in axes
    ]
    expenses = list(plan.expenses.all())
    measures_total = sum(
        (m["budget"]["total"] for a in axes_data for o in a["objectives"] for m in o["measures"]), 0
    )
    return {
        "slug": plan.slug,
        "title": plan.title,
        "table": {"name": plan.table.name, "slug": plan.table.slug},
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "status": plan.status,
        "funding_programme": plan.funding_programme,
        "general_objective": plan.general_objective,
        "years": [
            {
                "number": year.number,
                "start_date": year.start_date.isoformat(),
                "end_date": year.end_date.isoformat(),
            }
            for year in plan.years.all()
        ],
        "budget": {
            "measures_total": measures_total,
            "expenses": [
                {"kind": expense.kind, "label": expense.label, "amount": _number(expense.amount)}
                for expense in expenses
            ],
            "total": measures_total + sum(_number(expense.amount) for expense in expenses),
        },
        "axes": axes_data,
    }


def plan_export(plan, file_format, lang="fr"):
    """``(filename, content_type, bytes)`` of ``plan`` as json, csv or xlsx."""
    if file_format not in CONTENT_TYPES:
        raise ValueError(file_format)
    with translation.override(lang):
        if file_format == "json":
            content = json.dumps(plan_data(plan), ensure_ascii=False, indent=2).encode()
        else:
            content = _spreadsheet(plan, file_format)
    return f"{plan.slug}.{file_format}", CONTENT_TYPES[file_format], content


def _spreadsheet(plan, file_format):
    """The measures, one row each, with amounts and hours as numbers: an .xlsx whose first
    sheet is the one imported back, followed by the plan's years and their dates; or the
    first sheet alone as CSV for French Excel (UTF-8 with a BOM)."""
    resource = MeasureResource(plan=plan)
    measures = resource.export(queryset=resource.get_queryset(), force_native_type=True)
    measures.title = _("Moyens d'action")
    if file_format == "csv":
        return spreadsheet_export(measures, "csv").encode("utf-8-sig")
    years = tablib.Dataset(
        *[(year.number, year.start_date, year.end_date) for year in resource.plan_years],
        headers=[_("Année du plan"), _("Début"), _("Fin")],
        title=_("Années du plan"),
    )
    formats = {
        str(resource.fields[name].column_name): code
        for name, code in [
            ("staff_amount", MONEY_FORMAT),
            ("staff_hours", HOURS_FORMAT),
            ("other_amount", MONEY_FORMAT),
            ("total", MONEY_FORMAT),
        ]
    }
    return spreadsheet_export(tablib.Databook([measures, years]), "xlsx", number_formats=formats)


def plans_export(plans, file_format="xlsx", lang="fr"):
    """One plan: its own file (:func:`plan_export`). Several: a zip holding each one's."""
    if len(plans) == 1:
        return plan_export(plans[0], file_format, lang)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for plan in plans:
            filename, _content_type, content = plan_export(plan, file_format, lang)
            archive.writestr(filename, content)
    return "plans-d-action.zip", "application/zip", buffer.getvalue()
