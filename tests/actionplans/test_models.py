from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from actionplans.models import BudgetLine, Plan, Target
from events.models import Event
from tests.factories import (
    BudgetLineFactory,
    EventFactory,
    IndicatorFactory,
    PlanFactory,
    measure_in,
)

pytestmark = pytest.mark.django_db


def messages_of(error):
    return " ".join(
        message for messages in error.value.message_dict.values() for message in messages
    )


def test_a_target_for_a_year_of_another_plan_is_refused(measure_a, plan_b):
    indicator = IndicatorFactory(measure=measure_a)
    target = Target(indicator=indicator, year=plan_b.years.first(), text="3 capsules", value=3)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "n'appartient pas au plan" in messages_of(error)


def test_a_measure_number_cannot_repeat_in_a_plan_even_under_another_objective(plan_a, measure_a):
    other = measure_in(plan_a, "1.1.2")
    other.number = "1.1.1"
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "Le numéro 1.1.1 existe déjà dans ce plan" in messages_of(error)


def test_the_same_measure_number_is_fine_in_another_plan(measure_a, measure_b):
    measure_b.full_clean()


def test_negative_amounts_are_refused(measure_a):
    line = BudgetLine(measure=measure_a, staff_amount=-5, other_amount=0, staff_hours=0)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "staff_amount" in error.value.message_dict


def test_a_plan_cannot_end_before_it_starts(table_a):
    plan = Plan(
        table=table_a,
        title="Plan",
        slug="plan",
        start_date=date(2025, 4, 1),
        end_date=date(2022, 4, 1),
    )
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "La fin du plan doit suivre son début." in str(error.value)


def test_an_event_cannot_end_before_it_starts(table_a):
    event = EventFactory.build(table=table_a)
    event.end = event.start - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "La fin de l'événement doit suivre son début." in str(error.value)
    assert not Event.objects.exists()


def test_measure_total_adds_staff_and_other_costs(measure_a):
    BudgetLineFactory(measure=measure_a, staff_amount=11340, other_amount=6000)
    assert measure_a.budget_total == 17340


def test_plan_and_measure_schedule_labels(plan_a):
    measure = measure_in(plan_a, "1.1.5")
    measure.years.set(plan_a.years.filter(number__in=[1, 2]))
    assert measure.schedule_label == "Ans 1-2"
    measure.is_continuous = True
    assert measure.schedule_label == "En continu"
    assert plan_a.period_label == "Du 1er avril 2022 au 31 mars 2025"


def test_published_plans_exclude_drafts(table_a):
    PlanFactory(table=table_a, status=Plan.Status.DRAFT, slug="draft")
    published = PlanFactory(table=table_a, slug="published")
    assert list(Plan.objects.published()) == [published]
