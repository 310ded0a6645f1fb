"""What an accountability report shows, gathered once for the PDF, the HTML preview and the XLSX.

The *full* version (ministry staff, the table's coordinators) adds activity descriptions and
internal notes; the *public* version has neither, and no personal data in either version.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from html import escape

from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.finance import financial_statement
from accountability.narratives import report_narratives
from accountability.progress import Status, aggregate_values, approved_values, measure_progress
from actionplans.budget import measure_planned_by_year
from actionplans.models import ActualExpense
from actionplans.selectors import archived_measures, plan_tree
from activities.models import Activity
from common.formatting import format_number, in_sentence
from events.models import Event
from partners.models import Organisation

FULL, PUBLIC = "full", "public"
# The status of a measure a revision removed from the plan after activities were declared.
ARCHIVED = "archived"


@dataclass
class IndicatorLine:
    label: str
    unit: str
    period_target: Decimal | None
    period_target_text: str
    period_actual: Decimal
    total_target: Decimal | None
    total_target_text: str
    total_actual: Decimal

    @property
    def chart(self):
        return bar_chart_svg(
            [
                (_("Période"), self.period_actual, self.period_target),
                (_("Cumulatif"), self.total_actual, self.total_target),
            ]
        )


@dataclass
class MeasureSection:
    measure: object
    status: str
    indicators: list
    activities: list
    planned: Decimal
    spent: Decimal  # actual expenses on its budget lines, dated in the period
    declared: Decimal = Decimal(0)  # amounts partners declared on its activities
    notes: str = ""

    @property
    def status_label(self):
        if self.status == ARCHIVED:
            return _("Archivé")
        return Status.LABELS[self.status]


@dataclass
class ReportData:
    plan: object
    period: object
    variant: str
    annual: bool
    axes: list = field(default_factory=list)  # [(axis, [(objective, [MeasureSection])])]
    # Measures a revision removed (archived) whose activities fall in the period: shown apart,
    # their activities and spending counted, their budget and status not the plan's.
    archived: list = field(default_factory=list)  # [MeasureSection]
    events: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    finance: object = None  # accountability.finance.FinancialStatement
    narratives: object = None  # accountability.narratives.ReportNarratives of the period

    @property
    def is_public(self):
        return self.variant == PUBLIC

    @property
    def sections(self):
        return [
            section
            for _axis, objectives in self.axes
            for _o, sections in objectives
            for section in sections
        ]


def chart_alternative(rows):
    """What a chart of ``[(label, actual, target)]`` shows, in words, for those who cannot see
    it: « Période : 3 sur 19 (16 %) ; cumulatif : 8 sur 19 (42 %) »."""
    parts = []
    for index, (label, actual, target) in enumerate(rows):
        label = in_sentence(label) if index else str(label)
        values = {"label": label, "actual": format_number(actual, 2)}
        if target:
            values |= {
                "target": format_number(target, 2),
                "percent": format_number(Decimal(actual) / Decimal(target) * 100),
            }
            parts.append(_("%(label)s : %(actual)s sur %(target)s (%(percent)s %%)") % values)
        else:
            parts.append(_("%(label)s : %(actual)s, sans cible chiffrée") % values)
    return " ; ".join(parts)


def bar_chart_svg(rows, width=128, row_height=16):
    """A small horizontal bar chart (inline SVG) of ``[(label, actual, target)]``."""
    label_width, bar_width = 48, width - 78
    height = row_height * len(rows) + 4
    alternative = escape(chart_alternative(rows))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{alternative}">'
        f"<title>{alternative}</title>"  # the PDF's alternate text (WeasyPrint reads it)
    ]
    for index, (label, actual, target) in enumerate(rows):
        y = index * row_height + 2
        ratio = float(min(actual / target, Decimal(1))) if target else 0
        text = f"{format_number(ratio * 100)} %" if target else "—"
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="8" fill="#1b1f24">{escape(str(label))}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{bar_width}" height="11" fill="#e3e8ee" rx="2"/>'
        )
        if ratio:
            parts.append(
                f'<rect x="{label_width}" y="{y + 2}" width="{bar_width * ratio:.1f}" height="11" fill="#0b4f8a" rx="2"/>'
            )
        parts.append(
            f'<text x="{label_width + bar_width + 6}" y="{y + 12}" font-size="9" fill="#1b1f24">{text}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _targets_over(tracked, years):
    """Sum (or last value) of the yearly targets of ``years``, with their texts."""
    chosen = [year for year in tracked.years if year.year in years and year.target_text]
    numbers = [year.target for year in chosen if year.target is not None]
    text = " ; ".join(
        _("An %(number)s : %(text)s") % {"number": year.year.number, "text": year.target_text}
        for year in chosen
    )
    if not numbers:
        return None, text
    if tracked.indicator.is_cumulative:
        return sum(numbers, Decimal(0)), text
    return numbers[-1], text


def report_data(plan, period, *, variant=FULL, annual=False, today=None):
    today = today or timezone.localdate()
    as_of = min(period.end, today)
    years = list(plan.years.all())
    period_years = [y for y in years if y.start_date <= period.end and y.end_date >= period.start]
    years_to_date = [y for y in years if y.start_date <= period.end]
    axes = plan_tree(plan)

    values_to_date = approved_values(
        indicator__measure__objective__axis__plan=plan, activity__date__lte=period.end
    )
    values_in_period = defaultdict(list)
    for indicator_id, values in values_to_date.items():
        values_in_period[indicator_id] = [pair for pair in values if period.contains(pair[0])]

    activities = defaultdict(list)
    counts_to_date = defaultdict(int)
    reports = (
        Activity.objects.approved()
        .of_plan(plan)
        .filter(date__lte=period.end)
        .select_related("organisation")
        .prefetch_related("municipalities")
        .order_by("date", "id")
    )
    municipalities, participants, spent_total = set(), 0, Decimal(0)
    for report in reports:
        counts_to_date[report.measure_id] += 1
        if period.contains(report.date):
            activities[report.measure_id].append(report)
            participants += report.participants
            spent_total += report.amount_spent or 0
            municipalities |= {m.name for m in report.municipalities.all()}

    data = ReportData(plan=plan, period=period, variant=variant, annual=annual)
    spent_by_measure = _spent_by_measure(plan, period)
    data.narratives = report_narratives(plan, period)
    status_counts = dict.fromkeys(Status.ORDER, 0)
    for axis in axes:
        objectives = []
        for objective in axis.objectives.all():
            sections = []
            for measure in objective.measures.all():
                progress = measure_progress(
                    measure, years, values_to_date, counts_to_date, as_of + timedelta(days=1)
                )
                status = progress.status
                status_counts[status] += 1
                lines = []
                for tracked in progress.indicators:
                    indicator = tracked.indicator
                    period_target, period_text = _targets_over(tracked, period_years)
                    total_target, total_text = _targets_over(tracked, years_to_date)
                    if tracked.plan_target is not None or tracked.plan_target_text:
                        total_target = tracked.plan_target
                        total_text = tracked.plan_target_text
                        if period.key == "all":
                            period_target, period_text = total_target, total_text
                    lines.append(
                        IndicatorLine(
                            label=indicator.label,
                            unit=indicator.unit,
                            period_target=period_target,
                            period_target_text=period_text,
                            period_actual=aggregate_values(
                                values_in_period[indicator.pk], indicator.is_cumulative
                            ),
                            total_target=total_target,
                            total_target_text=total_text,
                            total_actual=tracked.total_actual,
                        )
                    )
                by_year = measure_planned_by_year(measure, years)  # the period's years only
                planned = sum((by_year.get(y.number, 0) for y in period_years), Decimal(0))
                sections.append(
                    MeasureSection(
                        measure=measure,
                        status=status,
                        indicators=lines,
                        activities=activities[measure.pk],
                        planned=planned,
                        spent=spent_by_measure.get(measure.pk, Decimal(0)),
                        declared=_declared(activities[measure.pk]),
                        notes="" if variant == PUBLIC else measure.notes,
                    )
                )
            objectives.append((objective, sections))
        data.axes.append((axis, objectives))

    for measure in archived_measures(plan):
        if activities[measure.pk]:
            data.archived.append(
                MeasureSection(
                    measure=measure,
                    status=ARCHIVED,
                    indicators=[],
                    activities=activities[measure.pk],
                    planned=Decimal(0),
                    spent=spent_by_measure.get(measure.pk, Decimal(0)),
                    declared=_declared(activities[measure.pk]),
                    notes="" if variant == PUBLIC else measure.notes,
                )
            )

    events = Event.objects.filter(
        table=plan.table_id, start__date__lte=period.end, end__date__gte=period.start
    )
    if variant == PUBLIC:
        events = events.public()
    data.events = list(events.select_related("municipality").order_by("start"))
    data.organisations = list(
        Organisation.objects.filter(
            pk__in={
                o.pk
                for s in data.sections
                for o in [*s.measure.leads.all(), *s.measure.partners.all()]
            }
        ).order_by("name")
    )
    data.finance = financial_statement(plan, period, declared=spent_total)
    data.summary = {
        "measures": len(data.sections),
        "activities": sum(len(s.activities) for s in [*data.sections, *data.archived]),
        "participants": participants,
        "municipalities": len(municipalities),
        # The PAC request's (measures outside it never counted), as the statement says.
        "planned": data.finance.planned,
        "spent": data.finance.spent,
        "declared": spent_total,
        **{f"status_{key}": count for key, count in status_counts.items()},
    }
    return data


def _declared(activities):
    return sum((activity.amount_spent or 0 for activity in activities), Decimal(0))


def _spent_by_measure(plan, period):
    """``{measure id: actual expenses on its budget lines dated in the period}``."""
    rows = (
        ActualExpense.objects.filter(
            plan=plan,
            budget_line__isnull=False,
            date__gte=period.start,
            date__lte=period.end,
        )
        .values("budget_line__measure_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["budget_line__measure_id"]: row["total"] for row in rows}


def plan_for_report(queryset):
    """Plans with what :func:`report_data` reads."""
    return queryset.select_related("table").prefetch_related("years", Prefetch("expenses"))
