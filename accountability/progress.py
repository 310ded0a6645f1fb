"""Where a plan stands: actual values against targets, and each measure's status.

Everything is derived from approved activity reports, never typed by hand. A whole plan costs a
fixed number of queries (:func:`plan_progress`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.models import Measure
from actionplans.selectors import measures_for_progress, plan_tree
from activities.models import Activity, IndicatorValue

# A plan's percentage in the cache: its key changes with the plan and the day.
PERCENT_SECONDS = 24 * 60 * 60


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    LATE = "late"

    LABELS = {
        NOT_STARTED: _("Non commencée"),
        IN_PROGRESS: _("En cours"),
        ACHIEVED: _("Atteinte"),
        LATE: _("En retard"),
    }
    ORDER = (NOT_STARTED, IN_PROGRESS, LATE, ACHIEVED)


def _ratio(actual, target):
    if not target:
        return None
    return min(Decimal(1), actual / target)


@dataclass
class YearProgress:
    year: object
    target: Decimal | None
    target_text: str
    actual: Decimal = Decimal(0)

    @property
    def ratio(self):
        return _ratio(self.actual, self.target)

    @property
    def percent(self):
        ratio = self.ratio
        return None if ratio is None else int(ratio * 100)


@dataclass
class Headline:
    """What an indicator's one-line summary says: the actual against the current year's
    target when that year has one (a number, or only words as the plan wrote them), else
    against the whole plan's."""

    actual: Decimal
    target: Decimal | None
    target_text: str
    this_year: bool

    @property
    def percent(self):
        ratio = _ratio(self.actual, self.target)
        return None if ratio is None else int(ratio * 100)


@dataclass
class IndicatorProgress:
    indicator: object
    years: list
    plan_target: Decimal | None
    plan_target_text: str
    total_actual: Decimal
    current: YearProgress | None = None  # the plan year today falls in, if the plan runs

    @property
    def total_target(self):
        if self.plan_target is not None:
            return self.plan_target
        values = [year.target for year in self.years if year.target is not None]
        if not values:
            return None
        return sum(values, Decimal(0)) if self.indicator.is_cumulative else values[-1]

    @property
    def ratio(self):
        return _ratio(self.total_actual, self.total_target)

    @property
    def headline(self):
        """The one-line summary of the measure cards. A year whose target is only words shows
        its words, never the actual against another year's number."""
        current = self.current
        if current is not None and (current.target is not None or current.target_text):
            return Headline(current.actual, current.target, current.target_text, this_year=True)
        return self.whole_headline

    @property
    def whole_headline(self):
        """The whole plan's actual against its target: the plan's own, else the years'."""
        if self.plan_target is None and not self.plan_target_text:
            worded = [year for year in self.years if year.target is None and year.target_text]
            if worded:  # some years have only words: the last year's words say it
                texts = [year.target_text for year in self.years if year.target_text]
                return Headline(self.total_actual, None, texts[-1], this_year=False)
        return Headline(
            self.total_actual, self.total_target, self.plan_target_text, this_year=False
        )

    @property
    def percent(self):
        ratio = self.ratio
        return None if ratio is None else int(ratio * 100)


@dataclass
class MeasureProgress:
    measure: object
    indicators: list
    reports: int = 0
    status: str = Status.NOT_STARTED

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    @property
    def ratio(self):
        ratios = [indicator.ratio for indicator in self.indicators if indicator.ratio is not None]
        if ratios:
            return sum(ratios, Decimal(0)) / len(ratios)
        return Decimal(1) if self.status == Status.ACHIEVED else None

    @property
    def percent(self):
        ratio = self.ratio
        return None if ratio is None else int(ratio * 100)


@dataclass
class Rollup:
    """Progress of an objective or an axis: its measures' statuses and mean completion."""

    measures: list = field(default_factory=list)

    @property
    def counts(self):
        counts = dict.fromkeys(Status.ORDER, 0)
        for progress in self.measures:
            counts[progress.status] += 1
        return [(Status.LABELS[key], key, counts[key]) for key in Status.ORDER]

    @property
    def percent(self):
        ratios = [progress.ratio for progress in self.measures if progress.ratio is not None]
        if not ratios:
            return None
        return int(sum(ratios, Decimal(0)) / len(ratios) * 100)


def _year_of(day, years):
    return next((year for year in years if year.start_date <= day <= year.end_date), None)


def aggregate_values(values, cumulative):
    """Sum (cumulative) or latest value (not cumulative) of ``[(date, value), …]``."""
    if not values:
        return Decimal(0)
    if cumulative:
        return sum((value for _, value in values), Decimal(0))
    return max(values, key=lambda pair: pair[0])[1]


def indicator_progress(indicator, years, values, today=None):
    by_year = defaultdict(list)
    for day, value in values:
        year = _year_of(day, years)
        if year is not None:
            by_year[year.pk].append((day, value))
    targets = {target.year_id: target for target in indicator.targets.all()}
    year_progress = [
        YearProgress(
            year=year,
            target=targets[year.pk].value if year.pk in targets else None,
            target_text=targets[year.pk].text if year.pk in targets else "",
            actual=aggregate_values(by_year[year.pk], indicator.is_cumulative),
        )
        for year in years
    ]
    whole = targets.get(None)
    running = _year_of(today, years) if today else None
    return IndicatorProgress(
        indicator=indicator,
        years=year_progress,
        plan_target=whole.value if whole else None,
        plan_target_text=whole.text if whole else "",
        total_actual=aggregate_values(values, indicator.is_cumulative),
        current=next((item for item in year_progress if item.year == running), None),
    )


def measure_status(progress, scheduled_years, today):
    """Achieved when every numeric target is met; late when a finished year fell short or
    passed with nothing done; not started before any approved report; in progress otherwise."""
    numeric = [indicator for indicator in progress.indicators if indicator.total_target]
    if numeric and all(i.total_actual >= i.total_target for i in numeric):
        return Status.ACHIEVED
    behind = any(
        year.target and year.actual < year.target
        for indicator in numeric
        for year in indicator.years
        if year.year.end_date < today
    )
    if behind:
        return Status.LATE
    if progress.reports == 0:
        first_finished = any(year.end_date < today for year in scheduled_years)
        return Status.LATE if first_finished else Status.NOT_STARTED
    return Status.IN_PROGRESS


def measure_progress(measure, years, values, counts, today):
    """A measure's progress and status from ``approved_values`` and approved-report counts."""
    progress = MeasureProgress(
        measure=measure,
        indicators=[
            indicator_progress(indicator, years, values[indicator.pk], today)
            for indicator in measure.indicators.all()
        ],
        reports=counts.get(measure.pk, 0),
    )
    scheduled = list(measure.years.all()) or ([] if measure.is_continuous else years)
    progress.status = measure_status(progress, scheduled, today)
    return progress


def approved_values(**filters):
    """``{indicator pk: [(day, value), …]}`` of approved, live reports, one pair per indicator
    and day, added up in the database: the day's sum for a cumulative indicator, its highest
    value for one that is not (the latest day's value is what counts). The rows grow with the
    days reported on, not with the number of activities."""
    values = defaultdict(list)
    rows = (
        IndicatorValue.objects.filter(
            activity__status=Activity.Status.APPROVED, activity__is_deleted=False, **filters
        )
        .values_list("indicator_id", "activity__date", "indicator__is_cumulative")
        .annotate(total=Sum("value"), highest=Max("value"))
        .order_by()
    )
    for indicator_id, day, cumulative, total, highest in rows:
        values[indicator_id].append((day, total if cumulative else highest))
    return values


def _report_counts(reports):
    return {
        row["measure_id"]: row["count"]
        for row in reports.values("measure_id").annotate(count=Count("id"))
    }


def plan_progress(plan, today=None, axes=None):
    """``(axes, {measure pk: MeasureProgress}, {"objectives"/"axes": {pk: Rollup}, "plan":
    Rollup})``.

    ``axes`` is the plan tree of :func:`~actionplans.selectors.plan_tree`, fetched if not given.
    """
    today = today or timezone.localdate()
    axes = plan_tree(plan) if axes is None else axes
    years = list(plan.years.all())
    values = approved_values(indicator__measure__objective__axis__plan=plan)
    counts = _report_counts(Activity.objects.approved().of_plan(plan))
    measures, objective_rollups, axis_rollups = {}, {}, {}
    plan_rollup = Rollup()
    for axis in axes:
        axis_rollup = axis_rollups[axis.pk] = Rollup()
        for objective in axis.objectives.all():
            objective_rollup = objective_rollups[objective.pk] = Rollup()
            for measure in objective.measures.all():
                progress = measure_progress(measure, years, values, counts, today)
                measures[measure.pk] = progress
                objective_rollup.measures.append(progress)
                axis_rollup.measures.append(progress)
                plan_rollup.measures.append(progress)
    rollups = {"objectives": objective_rollups, "axes": axis_rollups, "plan": plan_rollup}
    return axes, measures, rollups


def measures_progress(measures, today=None):
    """Progress of measures from any plans, in a fixed number of queries: ``[MeasureProgress]``.

    ``measures`` must come with ``objective__axis__plan`` selected and ``indicators__targets``,
    ``years`` and ``objective__axis__plan__years`` prefetched (see
    :func:`actionplans.selectors.measures_for_progress`).
    """
    today = today or timezone.localdate()
    measures = list(measures)
    pks = [measure.pk for measure in measures]
    values = approved_values(indicator__measure__in=pks)
    counts = _report_counts(Activity.objects.approved().filter(measure__in=pks))
    return [
        measure_progress(
            measure, list(measure.objective.axis.plan.years.all()), values, counts, today
        )
        for measure in measures
    ]


def plans_percent(plans, today=None):
    """``{plan pk: mean completion of its measures (or None)}`` for ``plans``, each kept in the
    shared cache under its content version, the time of its last change and the day: a page
    listing a hundred plans computes only those written since (in a fixed number of queries)."""
    today = today or timezone.localdate()
    keys = {
        f"plan-percent:{plan.pk}:{plan.content_version}:"
        f"{plan.content_changed_at.isoformat()}:{today.isoformat()}": plan.pk
        for plan in plans
    }
    found = {keys[key]: percent for key, (percent,) in cache.get_many(list(keys)).items()}
    missing = {pk: Rollup() for pk in keys.values() if pk not in found}
    if missing:
        current = Measure.objects.current().filter(objective__axis__plan__in=missing)
        measures = measures_for_progress(current)
        for progress in measures_progress(measures, today=today):
            missing[progress.measure.objective.axis.plan_id].measures.append(progress)
        found |= {pk: rollup.percent for pk, rollup in missing.items()}
        cache.set_many(
            {key: (found[pk],) for key, pk in keys.items() if pk in missing}, PERCENT_SECONDS
        )
    return found


def current_year(plan, today=None):
    today = today or timezone.localdate()
    return _year_of(today, list(plan.years.all()))
