"""Open data: each indicator of a published plan with its actual per plan year next to that
year's target, from approved activities only."""

import json
from datetime import date

import pytest
from django.utils import timezone

from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    PlanFactory,
    TargetFactory,
    measure_in,
)

pytestmark = pytest.mark.django_db


def _declare(measure, indicator, day, value, status="approved"):
    ActivityFactory(measure=measure, date=day, status=status).values.create(
        indicator=indicator, value=value
    )


def test_plan_json_gives_the_actual_of_each_year_next_to_its_target(client, plan_a):
    measure = measure_in(plan_a, "1.1.1", title="Capsules")
    capsules = IndicatorFactory(measure=measure, label="Nombre de capsules")
    year_1, year_2, _year_3 = plan_a.years.order_by("number")
    TargetFactory(indicator=capsules, year=year_1, value=3, text="3 capsules")
    TargetFactory(indicator=capsules, year=year_2, value=4, text="4 capsules")
    _declare(measure, capsules, date(2022, 6, 1), 2)
    _declare(measure, capsules, date(2023, 1, 15), 1)
    _declare(measure, capsules, date(2023, 5, 1), 5)
    _declare(measure, capsules, date(2023, 6, 1), 7, status="submitted")  # not counted
    members = IndicatorFactory(measure=measure, label="Membres", is_cumulative=False)
    _declare(measure, members, date(2023, 5, 1), 12)
    _declare(measure, members, date(2023, 9, 1), 15)  # the latest value, not a sum

    response = client.get(f"/fr/plans/{plan_a.slug}.json")

    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    first, second = data["axes"][0]["objectives"][0]["measures"][0]["indicators"]
    assert first["label"] == "Nombre de capsules"
    assert first["years"] == [
        {"year": 1, "target": 3, "target_text": "3 capsules", "actual": 3},
        {"year": 2, "target": 4, "target_text": "4 capsules", "actual": 5},
        {"year": 3, "target": None, "target_text": "", "actual": 0},
    ]
    assert first["actual_total"] == 8
    assert first["targets"] == [  # the targets as before, for existing readers
        {"year": 1, "value": 3, "text": "3 capsules"},
        {"year": 2, "value": 4, "text": "4 capsules"},
    ]
    assert [year["actual"] for year in second["years"]] == [0, 15, 0]
    assert second["actual_total"] == 15


def test_a_year_not_begun_has_no_actual_yet(client, table_a):
    start = timezone.localdate().replace(month=1, day=1)
    plan = PlanFactory(table=table_a, start_date=start, end_date=date(start.year + 2, 12, 31))
    indicator = IndicatorFactory(measure=measure_in(plan, "1.1.1"), label="Ateliers")
    data = json.loads(client.get(f"/fr/plans/{plan.slug}.json").content)
    (entry,) = data["axes"][0]["objectives"][0]["measures"][0]["indicators"]
    assert entry["label"] == indicator.label
    assert [year["actual"] for year in entry["years"]] == [0, None, None]
