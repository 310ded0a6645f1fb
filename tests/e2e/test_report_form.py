"""A partner reports an activity from a phone: 375 px wide, with and without JavaScript."""

import pytest

from activities.models import Activity
from tests.factories import (
    IndicatorFactory,
    MunicipalityFactory,
    OrganisationFactory,
    measure_in,
    partner_of,
)

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True}


@pytest.fixture
def setup(plan_a, table_a):
    cje = OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")
    measure = measure_in(plan_a, "1.3.1", title="Organiser des activités interculturelles")
    measure.leads.add(cje)
    indicator = IndicatorFactory(measure=measure, label="Nb d'activités")
    town = MunicipalityFactory(name="Fortierville", mrc=table_a.mrcs.first())
    partner = partner_of(cje, username="partenaire@example.org")
    return measure, indicator, town, partner


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_partner_fills_and_submits_on_a_phone(
    browser, login_as, live_server, setup, javascript, tmp_path
):
    measure, indicator, town, partner = setup
    context = login_as(browser, partner, java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/activites/nouvelle/?mesure={measure.pk}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Date de l'activité").fill("2023-06-15")
    page.get_by_label("Titre").fill("Fête des voisins interculturelle")
    page.locator("#id_participants").fill("42")
    page.get_by_label("Nb d'activités").fill("1")
    page.get_by_label("Fortierville").check()
    page.screenshot(path=str(tmp_path / "formulaire-375.png"), full_page=True)
    page.get_by_role("button", name="Soumettre à la coordination").click()
    page.wait_for_url("**/activites/*/")
    assert "Soumise, à réviser" in page.content()
    report = Activity.objects.get()
    assert (report.title, report.participants, report.status) == (
        "Fête des voisins interculturelle",
        42,
        "submitted",
    )
    assert list(report.municipalities.values_list("name", flat=True)) == ["Fortierville"]
    assert report.values.get().value == 1
    context.close()


def test_errors_are_shown_next_to_their_field(browser, login_as, live_server, setup):
    measure, indicator, town, partner = setup
    context = login_as(browser, partner, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/activites/nouvelle/?mesure={measure.pk}")
    page.get_by_label("Date de l'activité").fill("2019-01-01")
    page.get_by_label("Titre").fill("Trop tôt")
    page.get_by_role("button", name="Soumettre à la coordination").click()
    assert "La date doit être dans la période du plan" in page.content()
    assert not Activity.objects.exists()
    context.close()
