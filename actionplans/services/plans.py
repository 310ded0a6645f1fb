"""A plan's years, its publication, and the draft of its next cycle."""

import re
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from actionplans.models import (
    Axis,
    BudgetLine,
    Indicator,
    Measure,
    Objective,
    Plan,
    PlanExpense,
    PlanYear,
    Target,
)
from actionplans.services.versions import plan_content_batch, plan_content_changed
from common import audit
from common.history import record_links
from common.slugs import unique_slug


def years_after(day, years=1):
    """The same day ``years`` later (28 February for a 29th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def plan_year_periods(start: date, end: date):
    """Consecutive twelve-month periods from ``start``, the last one ending on ``end``."""
    periods = []
    current = start
    while current <= end:
        period_end = min(years_after(current) - timedelta(days=1), end)
        periods.append((current, period_end))
        current = period_end + timedelta(days=1)
    return periods


@transaction.atomic
def plan_years_sync(*, plan: Plan):
    """Make the plan's years match its dates: year 1 starts on the plan's first day.

    Years past the new end are deleted only when nothing refers to them.
    """
    with plan_content_batch(plan):
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
            if not (
                year.targets.exists()
                or year.measures.exists()
                or year.budget_lines.exists()
                or year.plan_expenses.exists()
            ):
                year.delete()


@transaction.atomic
def plan_publish(*, plan: Plan, user) -> bool:
    """Put ``plan`` on the public site; ``False`` when it was already there (nothing written)."""
    return _plan_status_set(plan, Plan.Status.PUBLISHED, user)


@transaction.atomic
def plan_unpublish(*, plan: Plan, user) -> bool:
    """Take ``plan`` back to a draft, off the public site; ``False`` when it was one already."""
    return _plan_status_set(plan, Plan.Status.DRAFT, user)


PUBLISH_REASON = gettext_noop("Publié")  # read translated
UNPUBLISH_REASON = gettext_noop("Dépublié")


def _plan_status_set(plan, status, user):
    if plan.status == status:
        return False
    plan.status = status
    plan._change_reason = PUBLISH_REASON if status == Plan.Status.PUBLISHED else UNPUBLISH_REASON
    plan._history_user = user
    plan.save(update_fields=["status"])
    audit.record(f"plan.{status}", plan=plan.pk, user=getattr(user, "pk", None))
    return True


_YEAR_IN_TITLE = re.compile(r"\b(?:19|20)\d{2}\b")


def plan_next_cycle_dates(plan: Plan) -> tuple[date, date, int]:
    """The next cycle's ``(start, end, years)``: it starts the day after ``plan`` ends and
    lasts as long. A plan of whole years (April 2022 to March 2025) is shifted by those years,
    so its fiscal years stay on April 1st; ``years`` is 0 for a plan of another length, shifted
    by its days."""
    after_end = plan.end_date + timedelta(days=1)
    years = after_end.year - plan.start_date.year
    if years > 0 and years_after(plan.start_date, years) == after_end:
        return after_end, years_after(plan.end_date, years), years
    length = after_end - plan.start_date
    return plan.start_date + length, plan.end_date + length, 0


def plan_next_cycle_title(plan: Plan, start: date, end: date) -> str:
    """« Plan d'action 2022-2025 » → « Plan d'action 2025-2028 »: each year written in the title
    moves as the dates do; a title without one gets the new cycle's years."""
    shift = start.year - plan.start_date.year
    if shift and _YEAR_IN_TITLE.search(plan.title):
        title = _YEAR_IN_TITLE.sub(lambda found: str(int(found.group()) + shift), plan.title)
        if title != plan.title:
            return title
    if not shift:
        return _("%(title)s — prochain cycle") % {"title": plan.title}
    return f"{plan.title} {start.year}-{end.year}"


COPY_REASON = gettext_noop("Copié du plan du cycle précédent")  # read translated


@transaction.atomic
def plan_duplicate_next_cycle(*, plan: Plan, user) -> Plan:
    """A draft of ``plan``'s next cycle for the same table: its dates shifted by the plan's
    length (``plan_next_cycle_dates``), its title's years too, and a copy of its axes,
    objectives, current measures (leads, partners, schedule, outside PAC, years mapped to the
    new plan's years by number), indicators with their targets year by year, budget lines and
    plan expenses. Activities, actual expenses and locked periods stay with ``plan``: they are
    what happened, not what is planned. Bulk inserts: the number of queries does not grow with
    the plan."""
    start, end, _years = plan_next_cycle_dates(plan)
    title = plan_next_cycle_title(plan, start, end)[: Plan._meta.get_field("title").max_length]
    new = Plan(
        table=plan.table,
        title=title,
        slug=unique_slug(Plan, title, fallback="plan"),
        start_date=start,
        end_date=end,
        status=Plan.Status.DRAFT,
        funding_programme=plan.funding_programme,
        general_objective=plan.general_objective,
    )
    new._history_user = user
    new._change_reason = COPY_REASON
    new.save()
    plan_years_sync(plan=new)
    years_by_number = {year.number: year for year in new.years.all()}
    number_of = {year.pk: year.number for year in plan.years.all()}

    def year_of(year_id):
        return years_by_number.get(number_of.get(year_id)) if year_id else None

    old_axes = list(plan.axes.order_by("number"))
    axes = bulk_create_with_history(
        [Axis(plan=new, number=axis.number, title=axis.title) for axis in old_axes],
        Axis,
        default_user=user,
    )
    axis_map = {old.pk: created for old, created in zip(old_axes, axes, strict=True)}
    old_objectives = list(Objective.objects.filter(axis__plan=plan).order_by("pk"))
    objectives = bulk_create_with_history(
        [
            Objective(
                axis=axis_map[objective.axis_id],
                number=objective.number,
                title=objective.title,
                position=objective.position,
            )
            for objective in old_objectives
        ],
        Objective,
        default_user=user,
    )
    objective_map = {old.pk: new for old, new in zip(old_objectives, objectives, strict=True)}
    old_measures = list(
        Measure.objects.of_plan(plan)
        .current()
        .prefetch_related("leads", "partners", "years")
        .order_by("pk")
    )
    measures = bulk_create_with_history(
        [
            Measure(
                objective=objective_map[measure.objective_id],
                number=measure.number,
                title=measure.title,
                position=measure.position,
                responsibility=measure.responsibility,
                is_continuous=measure.is_continuous,
                schedule_text=measure.schedule_text,
                outside_pac=measure.outside_pac,
                notes=measure.notes,
            )
            for measure in old_measures
        ],
        Measure,
        default_user=user,
    )
    measure_map = {old.pk: new for old, new in zip(old_measures, measures, strict=True)}
    pairs = list(zip(old_measures, measures, strict=True))
    Measure.years.through.objects.bulk_create(
        Measure.years.through(measure_id=created.pk, planyear_id=year_of(year.pk).pk)
        for old, created in pairs
        for year in old.years.all()
        if year_of(year.pk) is not None
    )
    for field in ("leads", "partners"):
        through = getattr(Measure, field).through
        through.objects.bulk_create(
            through(measure_id=created.pk, organisation_id=organisation.pk)
            for old, created in pairs
            for organisation in getattr(old, field).all()
        )
    record_links(Measure, [measure.pk for measure in measures])
    old_indicators = list(
        Indicator.objects.filter(measure__in=measure_map).prefetch_related("targets").order_by("pk")
    )
    indicators = bulk_create_with_history(
        [
            Indicator(
                measure=measure_map[indicator.measure_id],
                label=indicator.label,
                unit=indicator.unit,
                is_cumulative=indicator.is_cumulative,
                baseline=indicator.baseline,
                position=indicator.position,
            )
            for indicator in old_indicators
        ],
        Indicator,
        default_user=user,
    )
    bulk_create_with_history(
        [
            Target(
                indicator=created,
                year=year_of(target.year_id),
                value=target.value,
                text=target.text,
            )
            for old, created in zip(old_indicators, indicators, strict=True)
            for target in old.targets.all()
            if target.year_id is None or year_of(target.year_id) is not None
        ],
        Target,
        default_user=user,
    )
    bulk_create_with_history(
        [
            BudgetLine(
                measure=measure_map[line.measure_id],
                description=line.description,
                staff_amount=line.staff_amount,
                staff_hours=line.staff_hours,
                other_amount=line.other_amount,
                funding_source=line.funding_source,
                source=line.source,
                year=year_of(line.year_id),
            )
            for line in BudgetLine.objects.filter(measure__in=measure_map).order_by("pk")
        ],
        BudgetLine,
        default_user=user,
    )
    bulk_create_with_history(
        [
            PlanExpense(
                plan=new,
                kind=expense.kind,
                label=expense.label,
                amount=expense.amount,
                source=expense.source,
                year=year_of(expense.year_id),
            )
            for expense in plan.expenses.order_by("pk")
        ],
        PlanExpense,
        default_user=user,
    )
    plan_content_changed(plans=new)  # the bulk inserts sent no signal
    audit.record("plan.duplicate", plan=plan.pk, new_plan=new.pk, user=getattr(user, "pk", None))
    return new
