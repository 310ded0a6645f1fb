from datetime import date
from decimal import Decimal

import pytest

from accountability.progress import Status, plan_progress
from tests.factories import ActivityFactory, IndicatorFactory, TargetFactory, measure_in

pytestmark = pytest.mark.django_db


def report(measure, day, value, indicator, status="approved"):
    report = ActivityFactory(measure=measure, date=day, status=status)
    report.values.create(indicator=indicator, value=value)
    return report


@pytest.fixture
def measure(plan_a):
    measure = measure_in(plan_a, "1.3.1")
    measure.years.set(plan_a.years.filter(number__in=[2, 3]))
    return measure


@pytest.fixture
def activities(measure, plan_a):
    indicator = IndicatorFactory(measure=measure, label="Nb d'activités", is_cumulative=True)
    for year in plan_a.years.filter(number__in=[2, 3]):
        TargetFactory(indicator=indicator, year=year, value=19, text="19 activités")
    return indicator


def progress_of(plan, measure, today):
    _, measures, rollups = plan_progress(plan, today=today)
    return measures[measure.pk], rollups


def test_only_approved_reports_count(plan_a, measure, activities):
    report(measure, date(2023, 6, 1), 5, activities)
    report(measure, date(2023, 7, 1), 7, activities, status="submitted")
    report(measure, date(2023, 8, 1), 9, activities, status="draft")
    deleted = report(measure, date(2023, 9, 1), 11, activities)
    deleted.is_deleted = True
    deleted.save()
    progress, _ = progress_of(plan_a, measure, date(2023, 10, 1))
    year2 = progress.indicators[0].years[1]
    assert (year2.actual, year2.target, year2.percent) == (Decimal(5), Decimal(19), 26)
    assert progress.status == Status.IN_PROGRESS


def test_status_not_started_then_late_when_a_scheduled_year_ends_without_anything(
    plan_a, measure, activities
):
    assert progress_of(plan_a, measure, date(2023, 5, 1))[0].status == Status.NOT_STARTED
    assert progress_of(plan_a, measure, date(2024, 5, 1))[0].status == Status.LATE


def test_status_late_when_a_finished_year_fell_short(plan_a, measure, activities):
    report(measure, date(2023, 6, 1), 10, activities)
    assert progress_of(plan_a, measure, date(2024, 1, 1))[0].status == Status.IN_PROGRESS
    assert progress_of(plan_a, measure, date(2024, 4, 2))[0].status == Status.LATE


def test_status_achieved_when_every_target_is_met(plan_a, measure, activities):
    report(measure, date(2023, 6, 1), 19, activities)
    report(measure, date(2024, 6, 1), 19, activities)
    progress, rollups = progress_of(plan_a, measure, date(2024, 7, 1))
    assert progress.status == Status.ACHIEVED
    assert progress.percent == 100
    axis_rollup = rollups["axes"][measure.objective.axis_id]
    assert ("Atteinte", "achieved", 1) in axis_rollup.counts


def test_non_cumulative_indicators_take_the_last_value(plan_a, measure):
    share = IndicatorFactory(measure=measure, label="Taux de rétention", is_cumulative=False)
    TargetFactory(indicator=share, year=None, value=80, text="80 %")
    report(measure, date(2023, 6, 1), 60, share)
    report(measure, date(2024, 6, 1), 70, share)
    progress, _ = progress_of(plan_a, measure, date(2024, 7, 1))
    assert progress.indicators[0].total_actual == Decimal(70)
    assert progress.indicators[0].percent == 87


def test_continuous_measure_without_targets_is_in_progress_once_reported(plan_a):
    measure = measure_in(plan_a, "1.3.3", is_continuous=True)
    assert progress_of(plan_a, measure, date(2024, 7, 1))[0].status == Status.NOT_STARTED
    ActivityFactory(measure=measure, date=date(2023, 6, 1))
    assert progress_of(plan_a, measure, date(2024, 7, 1))[0].status == Status.IN_PROGRESS
