"""A plan's money by year, source and scope (``actionplans.budget``)."""

from datetime import date
from decimal import Decimal

import pytest

from actionplans.budget import MEASURES, OUTSIDE_PAC, PLAN, plan_budget, plan_budgets, spread
from actionplans.models import ActualExpense, FundingSource, PlanExpense
from actionplans.models.money import funding_source_of
from tests.factories import BudgetLineFactory, MeasureFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_spread_adds_up_to_the_cent():
    shares = spread(Decimal("1000.00"), ["An 1", "An 2", "An 3"])
    assert shares == {
        "An 1": Decimal("333.33"),
        "An 2": Decimal("333.33"),
        "An 3": Decimal("333.34"),
    }
    assert sum(shares.values()) == Decimal("1000.00")


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("", FundingSource.PAC),
        ("PAC-OBNL", FundingSource.PAC),
        ("PASI", FundingSource.MINISTRY_OTHER),
        ("MRC", FundingSource.MRC_CASH),
        ("MRC (services)", FundingSource.MRC_IN_KIND),
        ("Partenaires en nature", FundingSource.PARTNERS_IN_KIND),
        ("Desjardins", FundingSource.OTHER),
    ],
)
def test_the_source_is_read_from_the_plans_words(text, source):
    assert funding_source_of(text) == source


def _plan():
    plan = PlanFactory()
    objective = ObjectiveFactory(axis__plan=plan)
    return plan, objective, list(plan.years.all())


def test_planned_by_year_source_and_scope():
    plan, objective, (year1, year2, year3) = _plan()
    # « Ans 1-2 », 17 340 $ not split: half in each of its years.
    two_years = MeasureFactory(objective=objective)
    two_years.years.set([year1, year2])
    BudgetLineFactory(measure=two_years)
    # Split by the coordinator: 1 000 $ in year 3 only, from the MRC in services.
    BudgetLineFactory(
        measure=two_years,
        staff_amount=0,
        other_amount=1000,
        year=year3,
        source=FundingSource.MRC_IN_KIND,
    )
    # Outside the PAC request, continuous: over the three years, never in the PAC figures.
    outside = MeasureFactory(objective=objective, outside_pac=True, is_continuous=True)
    BudgetLineFactory(measure=outside, staff_amount=300, other_amount=0)
    PlanExpense.objects.create(plan=plan, label="Frais de gestion", amount=13000)

    budget = plan_budget(plan)

    assert budget.total(years={1}, scopes=(MEASURES,)).planned == Decimal("8670")
    assert budget.total(years={3}, scopes=(MEASURES,)).planned == Decimal("1000")
    assert budget.total(years={3}, sources={FundingSource.PAC}, scopes=(MEASURES,)).planned == 0
    assert budget.total(scopes=(OUTSIDE_PAC,)).planned == Decimal("300")
    assert budget.total(years={1}, scopes=(PLAN,)).planned == Decimal("4333.33")
    assert budget.total().planned == Decimal("17340") + 1000 + 13000
    assert budget.sources() == [FundingSource.PAC, FundingSource.MRC_IN_KIND]


def test_spent_counts_in_the_year_of_its_date():
    plan, objective, (year1, year2, _year3) = _plan()
    measure = MeasureFactory(objective=objective)
    line = BudgetLineFactory(measure=measure)
    fees = PlanExpense.objects.create(plan=plan, label="Frais de gestion", amount=13000)
    ActualExpense.objects.create(
        plan=plan, budget_line=line, date=date(2023, 3, 31), amount="1250.50"
    )
    ActualExpense.objects.create(plan=plan, budget_line=line, date=date(2023, 4, 1), amount=100)
    ActualExpense.objects.create(plan=plan, plan_expense=fees, date=date(2023, 4, 2), amount=400)

    budget = plan_budget(plan)

    assert budget.total(years={1}).spent == Decimal("1250.50")
    assert budget.total(years={2}, scopes=(MEASURES,)).spent == Decimal("100")
    assert budget.total(years={2}).spent == Decimal("500")
    money = budget.total(years={1}, scopes=(MEASURES,))
    assert money.variance == Decimal("1250.50") - money.planned


def test_several_plans_in_the_same_queries(django_assert_max_num_queries):
    plans = [_plan()[0] for _ in range(3)]
    for plan in plans:
        BudgetLineFactory(measure__objective__axis__plan=plan)
    with django_assert_max_num_queries(5):
        budgets = plan_budgets(plans)
    assert {plan.pk for plan in plans} == set(budgets)


def test_a_split_refuses_an_expense_outside_the_schedule():
    from actionplans.services import BudgetLineSplitError, budget_line_split

    plan, objective, (year1, year2, _year3) = _plan()
    measure = MeasureFactory(objective=objective)
    measure.years.set([year1, year2])
    line = BudgetLineFactory(measure=measure)
    ActualExpense.objects.create(plan=plan, budget_line=line, date=date(2024, 6, 1), amount=5)
    with pytest.raises(BudgetLineSplitError, match="hors de l'échéance"):
        budget_line_split(line=line)
    assert measure.budget_lines.get() == line  # nothing split


def test_shortening_a_plan_keeps_a_year_its_budget_lines_use():
    from actionplans.services import plan_years_sync

    plan, objective, (_year1, _year2, year3) = _plan()
    BudgetLineFactory(measure=MeasureFactory(objective=objective), year=year3)
    plan.end_date = date(2024, 3, 31)
    plan.save()
    plan_years_sync(plan=plan)
    assert plan.years.filter(number=3).exists()


def test_spent_between_counts_only_the_expenses_of_the_period():
    plan, objective, _years = _plan()
    line = BudgetLineFactory(measure=MeasureFactory(objective=objective))
    for day, amount in [(date(2023, 4, 10), 100), (date(2023, 11, 10), 40)]:
        ActualExpense.objects.create(plan=plan, budget_line=line, date=day, amount=amount)
    first_half = plan_budget(plan, spent_between=(date(2023, 4, 1), date(2023, 9, 30)))
    assert first_half.total(years={2}).spent == Decimal("100")
    assert first_half.total(years={2}).planned == plan_budget(plan).total(years={2}).planned
