import pytest
from django.apps import apps
from django.core.management import call_command

from accountability.models import Narrative
from actionplans.models import Measure, Plan
from events.models import Event
from partners.models import Table
from portal import demo

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if not model._meta.label.startswith(("sessions.", "admin.", "simple_history"))
        and not model.__name__.startswith("Historical")
    }


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = row_counts()
    versions = Narrative.history.count()
    call_command("load_demo")
    assert row_counts() == first
    # The Beauce texts for 2023-2024: the general one and one per axis, saved once.
    assert first["accountability.Narrative"] == 5 and Narrative.history.count() == versions == 5
    output = capsys.readouterr().out
    assert demo.DEMO_PASSWORD in output
    assert "coordination.beauce@tables-immigration.example" in output


def test_demo_holds_the_seed_documents():
    demo.load_demo()
    assert Table.objects.count() == 4
    dautray = Table.objects.get(slug="table-immigration-d-autray")
    assert set(dautray.committees.values_list("kind", flat=True)) >= {"coordination", "elected"}

    pari = Plan.objects.get(slug="pari-capitale-nationale-2007-2010")
    assert pari.axes.get().objectives.count() == 8
    measures = Measure.objects.of_plan(pari)
    assert measures.count() == 42  # 40 actions and the two sub-actions of 7.1
    colloque = measures.get(number="1.2")
    assert "colloque" in colloque.title
    assert [year.number for year in colloque.years.all()] == [3]
    assert str(pari.years.get(number=1)) == "An 1 (2007-2008)"

    jeudis = Event.objects.filter(series__slug="jeudis-immigration-d-autray").order_by("start")
    assert jeudis.count() == 6  # the five dates of seed 003, and next month's with registration
    first = jeudis.first()
    assert (first.start.isoformat(), first.end.isoformat()) == (
        "2025-02-06T15:00:00+00:00",
        "2025-02-06T16:00:00+00:00",
    )


def test_demo_accounts_have_their_roles():
    from django.contrib.auth import get_user_model

    from partners import roles

    demo.load_demo()
    users = get_user_model().objects
    coordinator = users.get(username="coordination.dautray@tables-immigration.example")
    assert coordinator.check_password(demo.DEMO_PASSWORD)
    assert roles.coordinated_table_ids(coordinator) == {
        Table.objects.get(slug="table-immigration-d-autray").pk
    }
    assert roles.is_ministry(users.get(username="ministere@tables-immigration.example"))
    municipal = users.get(username="municipalite.fortierville@tables-immigration.example")
    assert municipal.person.municipalities_contact.get().name == "Fortierville"


def test_the_demo_beauce_plan_has_money_by_year_and_actual_expenses():
    from decimal import Decimal

    from actionplans.budget import plan_budget

    demo.load_demo()
    plan = Plan.objects.get(slug=demo.BEAUCE_PLAN["slug"])
    capsules = Measure.objects.of_plan(plan).get(number="1.1.1")
    lines = capsules.budget_lines.order_by("year__number")
    assert [(line.year.number, line.total) for line in lines] == [(1, 8670), (2, 8670)]
    budget = plan_budget(plan)
    assert budget.total(years={2}).spent == Decimal("1250.50") + 9072 + 1500 + 3250
