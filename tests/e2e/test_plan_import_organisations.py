"""The plan import preview's organisation choices, in a browser: axe-clean, and made with the
keyboard alone (no JavaScript needed)."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from actionplans.models import Measure, Plan
from partners.models import Organisation
from tests.e2e.axe import serious_violations
from tests.factories import MembershipFactory, OrganisationFactory, TableFactory, coordinator_of

pytestmark = pytest.mark.django_db(transaction=True)
BEAUCE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"


def test_organisation_choices_by_keyboard_without_accessibility_violations(
    browser, login_as, live_server
):
    table = TableFactory(name="Table de Beauce", slug="beauce")
    for name, acronym in [("Carrefour jeunesse-emploi Beauce-Sud", "CJE"), ("MRC Beauce", "")]:
        MembershipFactory(table=table, organisation=OrganisationFactory(name=name, acronym=acronym))
    coordinator = coordinator_of(table, username="coord@example.org")
    context = login_as(browser, coordinator, bypass_csp=True)  # axe-core is an inline script
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/admin/actionplans/plan/importer/{table.pk}/")
    page.get_by_label("Document").set_input_files(str(BEAUCE))
    page.get_by_label("Titre du plan").fill("Plan Beauce")
    page.get_by_role("button", name="Voir l’aperçu").click()
    # The preview is a new page: wait for it (a bare count() races the navigation).
    expect(page.get_by_text("« CJE » → Carrefour jeunesse-emploi Beauce-Sud (CJE)")).to_have_count(
        1
    )

    assert serious_violations(page) == []

    # « MRCs »: from « Laisser en texte » (checked), the arrow key moves to « Associer… »,
    # Tab reaches the select; « Comité de pilotage »: two arrows to « Créer… ».
    mrcs = page.get_by_role(
        "group", name="« MRCs », nommé aux moyens d'action 2.1.4, 4.1.1, 4.1.2, 4.1.3"
    )
    mrcs.get_by_role("radio", name="Laisser en texte").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # out of the radio group, to the select
    assert mrcs.get_by_role("combobox").evaluate("e => e === document.activeElement")
    mrcs.get_by_role("combobox").select_option(label="MRC Beauce")
    pilotage = page.get_by_role(
        "group", name="« Comité de pilotage », nommé aux moyens d'action 2.1.2, 3.2.2"
    )
    pilotage.get_by_role("radio", name="Laisser en texte").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.get_by_role("button", name="Confirmer et créer le plan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/change/")

    plan = Plan.objects.get(table=table)
    created = Organisation.objects.get(name="Comité de pilotage")
    assert Organisation.objects.of_tables([table.pk]).filter(pk=created.pk).exists()
    measures = Measure.objects.of_plan(plan)
    assert [str(o) for o in measures.get(number="4.1.1").leads.all()] == ["MRC Beauce"]
    assert [str(o) for o in measures.get(number="3.2.2").leads.all()] == ["Comité de pilotage"]
    context.close()
