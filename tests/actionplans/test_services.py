from datetime import date
from decimal import Decimal

import pytest

from actionplans.services import indicator_targets_set, plan_years_sync
from tests.factories import IndicatorFactory, PlanFactory, TargetFactory


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


@pytest.mark.django_db
def test_indicator_targets_set_reads_the_year_named_and_says_why_a_value_is_missing(
    measure_a, plan_a
):
    indicator = IndicatorFactory(measure=measure_a)
    year1, year2, year3 = plan_a.years.all()
    warnings = indicator_targets_set(
        indicator=indicator,
        texts_by_year={
            year1: "2023-2024 : 5 ateliers",
            year2: "An 1 : 1 activité An 2 : 3 capsules",
            year3: "3 à 5 rencontres",
        },
    )
    values = {target.year_id: target.value for target in indicator.targets.all()}
    assert values == {year1.pk: None, year2.pk: Decimal(3), year3.pk: None}
    assert warnings == [
        "Cible de l'an 1 « 2023-2024 : 5 ateliers » : elle nomme d'autres années (2023-2024). "
        "Aucune valeur retenue.",
        "Cible « 3 à 5 rencontres » : plusieurs nombres (3 ; 5), aucune valeur retenue.",
    ]
