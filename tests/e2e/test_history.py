"""A measure's pages as its coordinator opens them: the history on a laptop and on a phone
(axe-clean, nothing wider than the screen), and the change form sent back with errors (the
focus on their summary)."""

import pytest

from tests.e2e.axe import AXE, serious_violations
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


@pytest.mark.parametrize("javascript", [True, False])
def test_a_refused_change_form_puts_its_error_summary_first(
    browser, login_as, live_server, measure, javascript
):
    """With JavaScript the focus lands on the summary; without, it is the first thing after
    the heading. Its link leads to the field."""
    coordinator = coordinator_of(measure.objective.axis.plan.table, username="coord@example.org")
    context = login_as(browser, coordinator, bypass_csp=True, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/admin/actionplans/measure/{measure.pk}/change/")
    page.fill("#id_title", "")
    page.locator("#id_budget_lines-0-staff_amount").fill("-5")
    page.locator("input[name=_continue]").first.click()
    page.wait_for_load_state("load")

    summary = page.locator("[data-error-summary]")
    assert summary.get_by_role("heading", name="Le formulaire contient 2 erreurs").is_visible()
    # Django's « Corrigez les erreurs ci-dessous » is not said a second time under it.
    assert page.locator("p.errornote").count() == 1
    assert not page.locator("p.errornote").is_visible()
    if javascript:
        page.wait_for_function("document.activeElement.hasAttribute('data-error-summary')")
        # The summary itself (the inline rows' labels are the back office sweep's).
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            "async () => (await axe.run(document.querySelector('[data-error-summary]'),"
            " {resultTypes: ['violations']})).violations.map(violation => violation.id)"
        )
        assert found == []
    # After the heading, only the page's buttons (« Historique ») come before the summary.
    first = page.evaluate(
        "[...document.querySelectorAll('#content-main > :not(.object-tools)')]"
        ".slice(0, 1).map(element => element.className)"
    )
    assert first == ["error-summary"], first

    summary.get_by_role("link", name="Moyen d'action : Ce champ est obligatoire.").click()
    assert page.evaluate("location.hash") == "#id_title"
    if javascript:
        assert page.evaluate("document.activeElement.id") == "id_title"
    context.close()
