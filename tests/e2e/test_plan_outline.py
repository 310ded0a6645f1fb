"""« Plan complet » in Chromium: a coordinator builds a plan from an empty draft (two axes,
three measures, targets for three years, budget lines), once with JavaScript (htmx: no
reload) and once without; axe-core finds nothing serious with a form open."""

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from actionplans.models import Axis, BudgetLine, Measure, Plan, Target
from tests.e2e.axe import serious_violations
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    TableFactory,
    coordinator_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

MEASURES = [
    # axis, objective, title, targets per year, staff $, other $
    (1, "1.1", "Capsules d'accueil", ["2 capsules", "3 capsules", "3 capsules"], "11340", "6000"),
    (
        1,
        "1.1",
        "Jumelage interculturel",
        ["10 jumelages", "12 jumelages", "15 jumelages"],
        "5000",
        "0",
    ),
    (
        2,
        "2.1",
        "Jeudis Immigration",
        ["4 webinaires", "4 webinaires", "4 webinaires"],
        "2500",
        "750",
    ),
]


def _save(page, message):
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text(message)


def _opened(number, proposed, javascript):
    """The form is open with its number proposed; with JavaScript, once the focus is on its
    first box (the outline's script moves it there after htmx's swap: typing before would
    land in the wrong box, as it would for a person typing within 20 ms)."""
    expect(number).to_have_value(proposed)
    if javascript:
        expect(number).to_be_focused()


def build_plan(page, url, javascript):
    page.goto(url)
    expect(page.get_by_text("Ce plan n'a pas encore d'axe.")).to_be_visible()
    for axis_number, axis_title in [(1, "Accueil et intégration"), (2, "Communication")]:
        page.get_by_role("link", name="Ajouter un axe").click()
        number = page.get_by_label("Numéro", exact=True)
        _opened(number, str(axis_number), javascript)
        page.get_by_label("Titre", exact=True).fill(axis_title)
        _save(page, f"L'axe {axis_number} est ajouté : {axis_title}.")
        page.get_by_role("link", name=f"Ajouter un objectif sous l'axe {axis_number}").click()
        number = page.get_by_label("Numéro", exact=True)
        _opened(number, f"{axis_number}.1", javascript)
        page.get_by_label("Titre", exact=True).fill(f"Objectif de l'axe {axis_number}")
        _save(page, f"L'objectif {axis_number}.1 est ajouté : Objectif de l'axe {axis_number}.")
    for index, (_axis, objective, title, targets, staff, other) in enumerate(MEASURES):
        page.get_by_role(
            "link", name=f"Ajouter un moyen d'action sous l'objectif {objective}"
        ).click()
        number = page.get_by_label("Numéro", exact=True)
        _opened(number, f"{objective}.{1 if index != 1 else 2}", javascript)
        page.get_by_label("Moyen d'action", exact=True).fill(title)
        page.get_by_role("checkbox", name="CJE Beauce").first.check()
        for year in (1, 2, 3):
            page.get_by_role("group", name="Échéance (années du plan)").get_by_label(
                re.compile(f"^An {year} ")
            ).check()
        page.get_by_label("Indicateur (nouvel indicateur)").fill("Réalisations")
        for year, text in enumerate(targets, start=1):
            page.get_by_label(f"Cible an {year} (nouvel indicateur)").fill(text)
        page.get_by_label("Description (nouvelle ligne budgétaire)").fill("Animation")
        page.get_by_label("Ressources humaines ($) (nouvelle ligne budgétaire)").fill(staff)
        page.get_by_label("Autres dépenses ($) (nouvelle ligne budgétaire)").fill(other)
        number_text = number.input_value()
        _save(page, f"Le moyen d'action {number_text} est ajouté.")


def check_outline(page, plan):
    outline = page.locator("#outline")
    expect(outline).to_contain_text("Axe 1 : Accueil et intégration")
    expect(outline).to_contain_text("Axe 2 : Communication")
    measure = page.locator("article", has_text="Capsules d'accueil")
    expect(measure).to_contain_text("Responsables\u00a0: CJE Beauce")
    expect(measure).to_contain_text("Échéance\u00a0: Ans 1-2-3")
    expect(measure).to_contain_text("17\u00a0340\u00a0$")
    row = measure.get_by_role("row", name=re.compile("Réalisations"))
    expect(row.get_by_role("cell")).to_have_text(["2 capsules", "3 capsules", "3 capsules", "—"])
    numbers = list(Measure.objects.of_plan(plan).in_plan_order().values_list("number", "title"))
    assert numbers == [
        ("1.1.1", "Capsules d'accueil"),
        ("1.1.2", "Jumelage interculturel"),
        ("2.1.1", "Jeudis Immigration"),
    ]
    assert list(Axis.objects.filter(plan=plan).values_list("number", flat=True)) == [1, 2]
    assert Target.objects.filter(indicator__measure__objective__axis__plan=plan).count() == 9
    totals = sorted(
        line.total for line in BudgetLine.objects.filter(measure__objective__axis__plan=plan)
    )
    assert totals == [Decimal("3250"), Decimal("5000"), Decimal("17340")]


@pytest.fixture
def draft(db):
    table = TableFactory(name="Table de Beauce", slug="beauce")
    MembershipFactory(table=table, organisation=OrganisationFactory(name="CJE Beauce"))
    plan = PlanFactory(
        table=table,
        title="Plan Beauce 2022-2025",
        status=Plan.Status.DRAFT,
        start_date=date(2022, 4, 1),
        end_date=date(2025, 3, 31),
    )
    return plan, coordinator_of(table, username="coord@example.org")


def _url(live_server, plan):
    return f"{live_server.url}/fr/admin/actionplans/plan/{plan.pk}/plan-complet/"


def test_building_a_plan_with_javascript_without_reload_or_csp_violation(
    browser, login_as, live_server, draft
):
    plan, coordinator = draft
    context = login_as(browser, coordinator)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    loads = []
    page.on("load", lambda _page: loads.append(1))

    build_plan(page, _url(live_server, plan), javascript=True)

    assert len(loads) == 1  # htmx swapped the outline: the page never loaded again
    check_outline(page, plan)
    # After a save, focus is on the item saved.
    assert page.evaluate("document.activeElement.id").startswith("mesure-")
    assert not [text for text in console if "Content Security Policy" in text], console
    context.close()

    axe_context = login_as(browser, coordinator, bypass_csp=True)  # axe-core is inline
    axe_page = axe_context.new_page()
    measure = Measure.objects.get(number="1.1.1", objective__axis__plan=plan)
    axe_page.goto(_url(live_server, plan) + f"?modifier=mesure-{measure.pk}#mesure-{measure.pk}")
    expect(axe_page.get_by_label("Cible an 1 (indicateur 1)")).to_have_value("2 capsules")
    assert serious_violations(axe_page) == []
    axe_page.goto(_url(live_server, plan))
    assert serious_violations(axe_page) == []
    # The grid fits 1280 px: no horizontal scroll in the page nor in the grid's box.
    axe_page.set_viewport_size({"width": 1280, "height": 900})
    axe_page.goto(_url(live_server, plan) + f"?modifier=mesure-{measure.pk}")
    assert axe_page.evaluate(
        "[...document.querySelectorAll('.outline-scroll')].every(e => e.scrollWidth <= e.clientWidth)"
    )
    assert axe_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_context.close()


def test_building_a_plan_without_javascript(browser, login_as, live_server, draft):
    plan, coordinator = draft
    context = login_as(browser, coordinator, java_script_enabled=False)
    page = context.new_page()

    build_plan(page, _url(live_server, plan), javascript=False)

    check_outline(page, plan)
    context.close()


def test_with_javascript_links_out_of_the_outline_open_their_page_and_refusals_are_said(
    browser, login_as, live_server, draft
):
    plan, coordinator = draft
    context = login_as(browser, coordinator)
    page = context.new_page()
    page.goto(_url(live_server, plan))
    page.get_by_role("link", name="Modifier la fiche du plan").click()
    expect(page.locator("#id_title")).to_have_value("Plan Beauce 2022-2025")

    page.goto(_url(live_server, plan) + "?ajouter=axe")
    Plan.objects.filter(pk=plan.pk).update(table=TableFactory())  # taken away meanwhile
    page.get_by_label("Titre", exact=True).fill("Accueil")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Cette action n'a pas été faite")
    assert not Axis.objects.filter(plan=plan).exists()
    context.close()
