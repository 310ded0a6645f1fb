"""A plan's money by plan year, source and scope: what was planned and what was spent.

Planned: each budget line counts in its plan year; a line without a year is spread evenly
over the years of its measure's schedule (all the plan's years when the measure is continuous
or has no years), a plan-level line (contingencies, management fees) over the plan's years, to
the cent, the last year taking the remainder, so that the years add up to the line. Spent: the
actual expenses recorded against the lines, in the plan year their date falls in.

The scope keeps apart what the ministry's PAC figures may count: the measures of the PAC
request (``MEASURES``), the plan-level lines (``PLAN``), and the measures outside the PAC
request (``OUTSIDE_PAC``), which are shown apart and never counted with the PAC.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from actionplans.models import ActualExpense, BudgetLine, Plan, PlanExpense, PlanYear
from actionplans.models.money import FundingSource

MEASURES, PLAN, OUTSIDE_PAC = "measures", "plan", "outside_pac"
SCOPES = (MEASURES, PLAN, OUTSIDE_PAC)
CENT = Decimal("0.01")
ZERO = Decimal(0)


def spread(amount, years):
    """``{year: share}`` of ``amount`` over ``years``, to the cent, adding up to ``amount``."""
    years = list(years)
    if not years:
        return {}
    amount = Decimal(amount)  # a line with no amount at all totals the integer 0
    share = (amount / len(years)).quantize(CENT, rounding=ROUND_DOWN)
    shares = dict.fromkeys(years, share)
    shares[years[-1]] = amount - share * (len(years) - 1)
    return shares


def line_years(line, plan_years):
    """The plan years a measure's budget line is planned for."""
    if line.year_id:
        return [year for year in plan_years if year.pk == line.year_id]
    measure = line.measure
    years = [] if measure.is_continuous else list(measure.years.all())
    return years or plan_years


def measure_planned_by_year(measure, plan_years):
    """``{plan year number: amount}`` planned for ``measure`` (prefetched ``budget_lines``
    and ``years``)."""
    planned = defaultdict(Decimal)
    for line in measure.budget_lines.all():
        line.measure = measure  # already in hand: reading its years costs no query
        for year, amount in spread(line.total, line_years(line, plan_years)).items():
            planned[year.number] += amount
    return dict(planned)


@dataclass
class Money:
    planned: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def variance(self):
        """Spent minus planned: negative when less was spent than planned."""
        return self.spent - self.planned

    def __add__(self, other):
        return Money(self.planned + other.planned, self.spent + other.spent)


@dataclass
class PlanBudget:
    """A plan's money as ``cells[(year number, source, scope)] → Money``; year ``None`` holds
    expenses dated outside every plan year."""

    plan: Plan
    years: list
    cells: dict = field(default_factory=lambda: defaultdict(Money))

    def add(self, year_number, source, scope, *, planned=ZERO, spent=ZERO):
        self.cells[(year_number, source, scope)] += Money(planned, spent)

    def total(self, *, years=None, sources=None, scopes=(MEASURES, PLAN)):
        """The sum over the given year numbers (all when ``None``), sources and scopes; by
        default the PAC request's money: its measures and the plan-level lines."""
        money = Money()
        for (year, source, scope), cell in self.cells.items():
            if years is not None and year not in years:
                continue
            if sources is not None and source not in sources:
                continue
            if scope in scopes:
                money += cell
        return money

    def sources(self, *, scopes=(MEASURES, PLAN)):
        """The sources that have money in ``scopes``, in the order of ``FundingSource``."""
        present = {source for (_y, source, scope) in self.cells if scope in scopes}
        return [source for source in FundingSource.values if source in present]

    def year_for(self, day):
        return next((y for y in self.years if y.start_date <= day <= y.end_date), None)


def plan_budgets(plans, *, spent_between=None):
    """``{plan id: PlanBudget}`` for ``plans``, in five queries whatever their number; with
    ``spent_between=(start, end)``, only the expenses dated in that period are spent."""
    plans = list(plans)
    budgets = {}
    years_of = defaultdict(list)
    for year in PlanYear.objects.filter(plan__in=plans).order_by("plan_id", "number"):
        years_of[year.plan_id].append(year)
    for plan in plans:
        budgets[plan.pk] = PlanBudget(plan=plan, years=years_of[plan.pk])

    lines = (
        BudgetLine.objects.filter(measure__objective__axis__plan__in=plans)
        .select_related("measure__objective__axis")
        .prefetch_related("measure__years")
    )
    scope_of_line = {}
    for line in lines:
        measure = line.measure
        budget = budgets[measure.objective.axis.plan_id]
        scope = OUTSIDE_PAC if measure.outside_pac else MEASURES
        scope_of_line[line.pk] = (budget, line.source, scope)
        if measure.archived_at is not None:
            continue  # removed from the plan: what was spent on it still counts, not its budget
        for year, amount in spread(line.total, line_years(line, budget.years)).items():
            budget.add(year.number, line.source, scope, planned=amount)

    scope_of_plan_line = {}
    for expense in PlanExpense.objects.filter(plan__in=plans):
        budget = budgets[expense.plan_id]
        scope_of_plan_line[expense.pk] = (budget, expense.source, PLAN)
        years = [y for y in budget.years if y.pk == expense.year_id] or budget.years
        for year, amount in spread(expense.amount, years).items():
            budget.add(year.number, expense.source, PLAN, planned=amount)

    actuals = ActualExpense.objects.filter(plan__in=plans)
    if spent_between is not None:
        actuals = actuals.filter(date__gte=spent_between[0], date__lte=spent_between[1])
    for actual in actuals.only("budget_line_id", "plan_expense_id", "date", "amount"):
        if actual.budget_line_id:
            budget, source, scope = scope_of_line[actual.budget_line_id]
        else:
            budget, source, scope = scope_of_plan_line[actual.plan_expense_id]
        year = budget.year_for(actual.date)
        budget.add(year.number if year else None, source, scope, spent=actual.amount)
    return budgets


def plan_budget(plan, *, spent_between=None):
    return plan_budgets([plan], spent_between=spent_between)[plan.pk]


def tree_budget(axes, expenses):
    """``(PAC request, outside the PAC request)``: the money planned in a plan's tree (the axes
    of :func:`~actionplans.selectors.plan_tree`, budget lines prefetched) and its plan-level
    ``expenses``, read from what is in hand: no query."""
    request, outside = ZERO, ZERO
    for axis in axes:
        for objective in axis.objectives.all():
            for measure in objective.measures.all():
                if measure.outside_pac:
                    outside += measure.budget_total
                else:
                    request += measure.budget_total
    return request + sum((expense.amount for expense in expenses), ZERO), outside
