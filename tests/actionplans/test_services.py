from datetime import date
from decimal import Decimal

import pytest

from actionplans.numbers import first_number as number_from_text
from actionplans.services import indicator_targets_set, plan_years_sync
from tests.factories import IndicatorFactory, PlanFactory, TargetFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 capsules", Decimal(3)),
        ("An 2: 19 activités", Decimal(2)),
        ("17 340$", Decimal(17340)),
        ("1,5 jour", Decimal("1.5")),
        ("À déterminer", None),
        ("SO", None),
        ("", None),
    ],
)
def test_number_from_text(text, expected):
    assert number_from_text(text) == expected


@pytest.mark.django_db
def test_plan_years_are_fiscal_periods():
    plan = PlanFactory(start_date=date(2022, 4, 1), end_date=date(2025, 3, 31))
    periods = [(year.number, year.start_date, year.end_date) for year in plan.years.all()]
    assert periods == [
        (1, date(2022, 4, 1), date(2023, 3, 31)),
        (2, date(2023, 4, 1), date(2024, 3, 31)),
        (3, date(2024, 4, 1), date(2025, 3, 31)),
    ]


@pytest.mark.django_db
def test_shortening_a_plan_keeps_years_that_hold_targets(measure_a, plan_a):
    indicator = IndicatorFactory(measure=measure_a)
    TargetFactory(indicator=indicator, year=plan_a.years.get(number=3))
    plan_a.end_date = date(2024, 3, 31)
    plan_a.save()
    plan_years_sync(plan=plan_a)
    assert list(plan_a.years.values_list("number", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_indicator_targets_set_writes_updates_and_removes(measure_a, plan_a):
    indicator = IndicatorFactory(measure=measure_a)
    year1, year2, _ = plan_a.years.all()
    indicator_targets_set(
        indicator=indicator,
        texts_by_year={year1: "19 activités", year2: "À déterminer", None: "57"},
    )
    targets = {target.year_id: (target.text, target.value) for target in indicator.targets.all()}
    assert targets == {
        year1.pk: ("19 activités", Decimal(19)),
        year2.pk: ("À déterminer", None),
        None: ("57", Decimal(57)),
    }
    indicator_targets_set(indicator=indicator, texts_by_year={year1: "", year2: "3 activités"})
    targets = {target.year_id: target.text for target in indicator.targets.all()}
    assert targets == {year2.pk: "3 activités", None: "57"}
