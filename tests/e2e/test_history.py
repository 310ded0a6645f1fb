"""A measure's history page, as its coordinator opens it on a laptop and on a phone: axe-clean,
nothing wider than the screen, each change readable under its column's name."""

import pytest

from tests.e2e.axe import serious_violations
from tests.factories import (
    BudgetLineFactory,
    IndicatorFactory,
    OrganisationFactory,
    PlanFactory,
    TableFactory,
    TargetFactory,
    coordinator_of,
    measure_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def measure():
    table = TableFactory(name="Table Beauce", slug="beauce")
    plan = PlanFactory(table=table, title="Plan Beauce", slug="plan-beauce")
    measure = measure_in(plan, "1.1.1", title="Soutenir les partenaires qui accueillent")
    line = BudgetLineFactory(measure=measure, description="Capsules")
    target = TargetFactory(
        indicator=IndicatorFactory(measure=measure),
        year=plan.years.get(number=2),
        value=3,
        text="3",
    )
    measure.leads.add(OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE"))
    line.staff_amount = "1250.50"
    line.save()
    target.text, target.value = "5 activités", 5
    target.save()
    return measure


@pytest.mark.parametrize("width", [1280, 375])
def test_the_measure_history_fits_the_screen_and_is_axe_clean(
    browser, login_as, live_server, measure, width
):
    coordinator = coordinator_of(measure.objective.axis.plan.table, username="coord@example.org")
    context = login_as(
        browser, coordinator, bypass_csp=True, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/admin/actionplans/measure/{measure.pk}/history/")

    assert page.get_by_role("heading", name=f"Historique : {measure}").is_visible()
    assert page.get_by_text("An 2 (2023-2024) : 3 → 5 activités").is_visible()
    assert page.get_by_text("Ressources humaines ($) : 11 340 $ → 1 250,50 $").is_visible()
    assert page.get_by_role("columnheader", name="Détail").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    context.close()
