"""The ministry's view across tables: every table side by side, and the province's totals.

One row per table: its region(s), its current plan, the plan's progress (measures by status),
the PAC money of the plan year running today, the last report it submitted and the half-years
it has not reported on. Everything is read in a fixed number of queries whatever the number of
tables (:func:`tables_overview`): progress through
:func:`~accountability.progress.measures_progress`, money through
:func:`~actionplans.budget.plan_budgets`, the province's totals as database aggregates.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.models import Submission
from accountability.progress import Status, measures_progress
from actionplans.budget import MEASURES, PLAN, plan_budgets
from actionplans.models import Measure, Plan
from actionplans.periods import Period, parse_period, plan_periods
from actionplans.selectors import measures_for_progress
from activities.models import Activity, IndicatorValue
from municipalities.models import Mrc, Region
from partners.models import Table

# A half-year is overdue once this many days have passed since its end without a submitted
# report covering it.
OVERDUE_AFTER = timedelta(days=30)
PAC = (MEASURES, PLAN)


def fiscal_year(today):
    """The Quebec government's fiscal year holding ``today``: 1 April → 31 March."""
    start_year = today.year if today.month >= 4 else today.year - 1
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31), f"{start_year}")


@dataclass(frozen=True)
class HalfYear:
    period: Period
    label: str  # « An 2, premier semestre »

    @property
    def start(self):
        return self.period.start

    @property
    def end(self):
        return self.period.end


def half_years(plan):
    """The plan's half-years, as :func:`~actionplans.periods.plan_periods` offers them."""
    return [
        HalfYear(parse_period(plan, key), str(label))
        for key, label in plan_periods(plan)
        if ":" in key
    ]


def covers(submission, period):
    """A submission covers a period (or half-year) when its own period holds it whole: the
    half-year's report, the annual review of its year or a report on the whole plan."""
    return submission.period_start <= period.start and submission.period_end >= period.end


def overdue_periods(plan, submissions, today):
    """The half-years of ``plan`` that ended more than 30 days before ``today`` (strictly) and
    that no submitted report covers, oldest first. ``submissions`` are the plan's."""
    return [
        half
        for half in half_years(plan)
        if today - half.end > OVERDUE_AFTER
        and not any(covers(submission, half) for submission in submissions)
    ]


def current_plan(plans, today):
    """The plan running today (a published one before a draft), else the latest to start."""
    running = [plan for plan in plans if plan.start_date <= today <= plan.end_date]
    candidates = running or list(plans)
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda plan: (plan.status == Plan.Status.PUBLISHED, plan.start_date, plan.pk),
    )


# --- indicator families ---------------------------------------------------------------------

FAMILY_LABELS = {
    "participant": _("Participants"),
    "activite": _("Activités"),
    "municipalite": _("Municipalités"),
}


def _singular(word):
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 4 and word.endswith(("ante", "ente")):
        word = word[:-1]  # participante → participant
    return word


def unit_family(unit):
    """The family an indicator's unit belongs to, or ``None`` when it adds up with nothing
    (no unit, a percentage, an amount of money).

    Case, accents, plural, the feminine of « participante » and a leading « nombre de » do
    not count: « Participants », « participantes » and « nombre de participants » are the
    family ``participant``; « activités » and « Activité » are ``activite``.
    """
    text = unicodedata.normalize("NFKD", (unit or "").casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    if "%" in text or "$" in text or "pourcent" in text:
        return None
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^(nombre|nb) (de |d )", "", text).strip()
    if not text:
        return None
    return " ".join(_singular(word) for word in text.split())


@dataclass
class FamilyTotal:
    key: str
    label: str
    total: Decimal


@dataclass
class Totals:
    period: Period
    activities: int = 0
    participants: int = 0
    municipalities: int = 0
    families: list = field(default_factory=list)


def _families(activities):
    """Sum of approved values per unit family, the cumulative indicators only (the others'
    latest value is no amount to add up). Labelled in our words for the common families,
    else by the unit as most often written."""
    totals, spellings = defaultdict(Decimal), defaultdict(lambda: defaultdict(int))
    rows = (
        IndicatorValue.objects.filter(activity__in=activities, indicator__is_cumulative=True)
        .values("indicator__unit")
        .annotate(total=Sum("value"), count=Count("id"))
        .order_by()
    )
    for row in rows:
        family = unit_family(row["indicator__unit"])
        if family is None:
            continue
        totals[family] += row["total"] or 0
        spellings[family][row["indicator__unit"].strip()] += row["count"]
    families = []
    for key, total in totals.items():
        label = (
            FAMILY_LABELS.get(key)
            or max(spellings[key].items(), key=lambda pair: (pair[1], pair[0]))[0]
        )
        families.append(FamilyTotal(key=key, label=label, total=total))
    return sorted(families, key=lambda family: str(family.label).casefold())


def province_totals(tables, today):
    """Approved activities of ``tables``' plans dated in the fiscal year of ``today``: their
    number, participants, distinct municipalities reached, and values per indicator family."""
    period = fiscal_year(today)
    activities = Activity.objects.approved().filter(
        measure__objective__axis__plan__table__in=tables,
        date__range=(period.start, period.end),
    )
    figures = activities.aggregate(count=Count("id"), participants=Sum("participants"))
    reached = (
        Activity.municipalities.through.objects.filter(activity__in=activities)
        .values("municipality_id")
        .distinct()
        .count()
    )
    return Totals(
        period=period,
        activities=figures["count"] or 0,
        participants=figures["participants"] or 0,
        municipalities=reached,
        families=_families(activities),
    )


# --- rows ---------------------------------------------------------------------------------


@dataclass
class TableRow:
    table: Table
    regions: list
    plan: Plan | None = None
    counts: dict = field(default_factory=lambda: dict.fromkeys(Status.ORDER, 0))
    year: object = None
    money: object = None
    last_submission: Submission | None = None
    overdue: list = field(default_factory=list)

    @property
    def measures(self):
        return sum(self.counts.values())

    @property
    def late(self):
        return self.counts[Status.LATE]

    @property
    def achieved(self):
        return self.counts[Status.ACHIEVED]

    @property
    def status_counts(self):
        return [(Status.LABELS[key], key, self.counts[key]) for key in Status.ORDER]

    @property
    def progress_percent(self):
        """Share of the plan's measures achieved."""
        return int(self.achieved * 100 / self.measures) if self.measures else None

    @property
    def planned(self):
        return self.money.planned if self.money else None

    @property
    def spent(self):
        return self.money.spent if self.money else None

    @property
    def budget_percent(self):
        if not self.money or not self.money.planned:
            return None
        return int(self.money.spent * 100 / self.money.planned)

    @property
    def region_label(self):
        return ", ".join(region.name for region in self.regions)


def _fold(text):
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


# ?tri=<key> sorts ascending, ?tri=-<key> descending; rows without a value go last either way.
SORTS = {
    "table": lambda row: _fold(row.table.name),
    "region": lambda row: row.regions[0].code if row.regions else None,
    "plan": lambda row: row.plan.start_date if row.plan else None,
    "avancement": lambda row: row.progress_percent,
    "retard": lambda row: row.late if row.plan else None,
    "depenses": lambda row: row.spent,
    "rapport": lambda row: row.last_submission.submitted_at if row.last_submission else None,
    "periodes": lambda row: len(row.overdue) if row.plan else None,
}
DEFAULT_SORT = "table"


def parse_sort(text):
    """``(key, descending)`` of ``?tri=``; an unknown key sorts by table name."""
    text = (text or "").strip()
    descending = text.startswith("-")
    key = text.lstrip("-")
    if key not in SORTS:
        return DEFAULT_SORT, False
    return key, descending


def sort_rows(rows, key, descending=False):
    by_name = sorted(rows, key=SORTS["table"])
    present = [row for row in by_name if SORTS[key](row) is not None]
    missing = [row for row in by_name if SORTS[key](row) is None]
    return sorted(present, key=SORTS[key], reverse=descending) + missing


@dataclass
class Overview:
    rows: list
    totals: Totals
    regions: list
    region: Region | None
    sort: str
    descending: bool
    today: date


def _regions_by_table(tables):
    regions = defaultdict(dict)
    through = Table.mrcs.through.objects.filter(table__in=tables).select_related("mrc__region")
    for link in through.order_by("mrc__region__code"):
        region = link.mrc.region
        regions[link.table_id][region.pk] = region
    return {table_id: list(found.values()) for table_id, found in regions.items()}


def tables_overview(user, *, region_code=None, sort=None, today=None):
    """Every table ``user`` reads, one :class:`TableRow` each, filtered by region and sorted
    (``sort`` as in ``?tri=``), with the totals of the tables shown."""
    today = today or timezone.localdate()
    regions = list(Region.objects.filter(mrcs__tables__isnull=False).distinct().order_by("code"))
    region = next((r for r in regions if r.code == region_code), None)
    tables = Table.objects.readable_by(user).prefetch_related(
        Prefetch("plans", Plan.objects.prefetch_related("years"))
    )
    if region is not None:
        tables = tables.filter(pk__in=Mrc.objects.filter(region=region).values("tables"))
    tables = list(tables)
    regions_of = _regions_by_table(tables)

    rows, plans = {}, {}
    for table in tables:
        plan = current_plan(list(table.plans.all()), today)
        rows[table.pk] = TableRow(table=table, regions=regions_of.get(table.pk, []), plan=plan)
        if plan is not None:
            plans[plan.pk] = plan

    measures = measures_for_progress(
        Measure.objects.current().filter(objective__axis__plan__in=list(plans))
    )
    row_of_plan = {row.plan.pk: row for row in rows.values() if row.plan}
    for progress in measures_progress(measures, today):
        row_of_plan[progress.measure.objective.axis.plan_id].counts[progress.status] += 1

    for plan_id, budget in plan_budgets(plans.values()).items():
        row = row_of_plan[plan_id]
        row.year = budget.year_for(today)
        if row.year is not None:
            row.money = budget.total(years={row.year.number}, scopes=PAC)

    submissions = defaultdict(list)
    for submission in Submission.objects.filter(plan__in=list(plans)).order_by(
        "-submitted_at", "-id"
    ):
        submissions[submission.plan_id].append(submission)
    for plan_id, row in row_of_plan.items():
        sent = submissions[plan_id]
        row.last_submission = sent[0] if sent else None
        row.overdue = overdue_periods(row.plan, sent, today)

    key, descending = parse_sort(sort)
    return Overview(
        rows=sort_rows(rows.values(), key, descending),
        totals=province_totals(tables, today),
        regions=regions,
        region=region,
        sort=key,
        descending=descending,
        today=today,
    )
