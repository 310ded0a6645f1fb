"""The admin's selects of plan items: one plan's items, in plan order, named with their plan
when several plans are offered; a single option chosen in advance."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AxisFactory, ObjectiveFactory, PlanFactory, measure_in

pytestmark = pytest.mark.django_db


def options(page, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [
        (value, unescape(label).strip(), "selected" in attrs)
        for value, attrs, label in re.findall(
            r'<option value="([^"]*)"([^>]*)>(.*?)</option>', select, re.S
        )
    ]


def labels(page, name):
    return [label for value, label, _ in options(page, name) if value]


@pytest.fixture
def two_plans(table_a, plan_a):
    """Plan A (2022-2025) and the next one of the same table, each with « 1.1 »."""
    measure_in(plan_a, "1.1.1", title="Accueil")
    axis_a = plan_a.axes.get()
    ObjectiveFactory(axis=axis_a, number="1.2", title="Objectif deux", position=2)
    axis_a2 = AxisFactory(plan=plan_a, number=2, title="Deuxième axe")
    ObjectiveFactory(axis=axis_a2, number="2.1", title="Objectif de l'axe deux", position=1)
    next_plan = PlanFactory(
        table=table_a,
        title="Plan d'action 2025-2028",
        slug="plan-2025",
        start_date=plan_a.end_date.replace(year=2025, month=4, day=1),
        end_date=plan_a.end_date.replace(year=2028),
    )
    measure_in(next_plan, "1.1.1", title="Accueil, suite")
    return plan_a, next_plan


def test_measure_page_lists_its_own_plan_objectives_in_plan_order(
    client, coordinator_a, two_plans, measure_b
):
    plan_a, _next_plan = two_plans
    measure = plan_a.axes.get(number=1).objectives.get(number="1.1").measures.get()
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_measure_change", args=[measure.pk]))
    page = page.content.decode()
    objective_title = measure.objective.title
    assert labels(page, "objective") == [
        f"1.1 {objective_title}",
        "1.2 Objectif deux",
        "2.1 Objectif de l'axe deux",
    ]
    assert [selected for value, _, selected in options(page, "objective") if value] == [
        True,
        False,
        False,
    ]
    assert "Table B" not in page and measure_b.objective.title not in page


def test_a_new_measure_names_the_plan_of_each_objective(client, coordinator_a, two_plans):
    plan_a, next_plan = two_plans
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_measure_add")).content.decode()
    shown = labels(page, "objective")
    assert len(shown) == 4
    assert shown[0].startswith("Plan d'action 2025-2028 — 1.1 ")  # the newest plan first
    assert shown[1].startswith("Plan de la table A — 1.1 ")
    assert shown[-1] == "Plan de la table A — 2.1 Objectif de l'axe deux"


def test_long_titles_are_cut_with_an_ellipsis(client, coordinator_a, plan_a):
    long_title = "Favoriser la pleine participation des personnes immigrantes " * 3
    measure = measure_in(plan_a, "1.1.1")
    objective = measure.objective
    objective.title = long_title
    objective.save()
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_measure_change", args=[measure.pk]))
    (label,) = labels(page.content.decode(), "objective")
    assert label.endswith("…") and len(label) == 90


def test_an_objective_page_offers_only_its_plan_axes(client, coordinator_a, two_plans):
    _plan_a, next_plan = two_plans
    objective = next_plan.axes.get().objectives.get()
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_objective_change", args=[objective.pk]))
    shown = labels(page.content.decode(), "axis")
    assert len(shown) == 1 and shown[0].startswith("Axe 1 : ")


def test_a_forged_objective_of_another_plan_is_refused(client, coordinator_a, two_plans):
    plan_a, next_plan = two_plans
    measure = plan_a.axes.get(number=1).objectives.get(number="1.1").measures.get()
    other_objective = next_plan.axes.get().objectives.get()
    client.force_login(coordinator_a)
    response = client.post(
        reverse("admin:actionplans_measure_change", args=[measure.pk]),
        {
            "objective": other_objective.pk,
            "number": "9.9.9",
            "title": measure.title,
            "position": "0",
            "indicators-TOTAL_FORMS": "0",
            "indicators-INITIAL_FORMS": "0",
            "budget_lines-TOTAL_FORMS": "0",
            "budget_lines-INITIAL_FORMS": "0",
        },
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    measure.refresh_from_db()
    assert measure.objective.axis.plan == plan_a and measure.number == "1.1.1"


def test_a_single_table_is_chosen_in_advance(client, coordinator_a, table_a):
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_plan_add")).content.decode()
    assert options(page, "table") == [("", "---------", False), (str(table_a.pk), "Table A", True)]


def test_objective_select_queries_stay_flat(client, coordinator_a, plan_a):
    measure = measure_in(plan_a, "1.1.1")
    client.force_login(coordinator_a)
    url = reverse("admin:actionplans_measure_change", args=[measure.pk])

    def count():
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        return len(context)

    axis = plan_a.axes.get()
    for position in range(2, 5):
        ObjectiveFactory(axis=axis, number=f"1.{position}", position=position)
    before = count()
    for position in range(5, 45):
        ObjectiveFactory(axis=axis, number=f"1.{position}", position=position)
    assert count() == before


def test_plans_with_long_titles_stay_apart_by_their_years(client, coordinator_a, two_plans):
    plan_a, next_plan = two_plans
    stem = "Plan d'action pour l'accueil, l'intégration et la rétention des personnes en Beauce"
    for plan, years in ((plan_a, "2022-2025"), (next_plan, "2025-2028")):
        plan.title = f"{stem} {years}"
        plan.save()
    client.force_login(coordinator_a)
    shown = labels(
        client.get(reverse("admin:actionplans_measure_add")).content.decode(), "objective"
    )
    assert shown[0].startswith("Plan d'action pour… en Beauce 2025-2028 — 1.1 ")
    assert shown[1].startswith("Plan d'action pour… en Beauce 2022-2025 — 1.1 ")
