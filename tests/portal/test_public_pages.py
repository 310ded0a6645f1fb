import pytest
from django.urls import reverse

from actionplans.models import Plan
from tests.factories import BudgetLineFactory, CommitteeFactory, EventFactory, PlanFactory

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def test_home_lists_the_tables_in_french(client, table_a, table_b):
    page = client.get("/fr/").content.decode()
    assert 'lang="fr-CA"' in page
    assert "Table A" in page and "Table B" in page
    assert 'href="#contenu"' in page


def test_english_home(client, table_a):
    page = client.get("/en/").content.decode()
    assert 'lang="en-CA"' in page
    assert "Table A" in page


def test_table_page_shows_committees_and_plans(client, plan_a, table_a):
    CommitteeFactory(table=table_a, name="Comité des élus", mandate="Alimenter la MRC")
    PlanFactory(table=table_a, title="Plan brouillon", status=Plan.Status.DRAFT)
    page = client.get(table_a.get_absolute_url()).content.decode()
    assert "Comité des élus" in page and "Alimenter la MRC" in page
    assert "Plan de la table A" in page
    assert "Plan brouillon" not in page


def test_plan_page_shows_measures_with_their_totals(client, plan_a, measure_a):
    BudgetLineFactory(measure=measure_a, staff_amount=11340, other_amount=6000)
    page = client.get(plan_a.get_absolute_url()).content.decode()
    assert "Mesure de la table A" in page
    assert f"Total : 17{NBSP}340{NBSP}$" in page


def test_draft_plans_are_not_public(client, table_a):
    draft = PlanFactory(table=table_a, status=Plan.Status.DRAFT, slug="brouillon")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_unknown_table_or_measure_is_404(client, plan_a):
    assert client.get("/fr/tables/inconnue/").status_code == 404
    url = reverse("plans:measure_detail", kwargs={"slug": plan_a.slug, "number": "9.9.9"})
    assert client.get(url).status_code == 404


def test_event_page_reads_quebec_dates(client, table_a):
    event = EventFactory(table=table_a, title="Jeudi Immigration")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "6 février 2030" in page
    assert f"10{NBSP}h à 11{NBSP}h" in page


def test_private_events_are_not_public(client, table_a):
    event = EventFactory(table=table_a, is_public=False, title="Rencontre interne")
    assert client.get(event.get_absolute_url()).status_code == 404
    assert "Rencontre interne" not in client.get(reverse("events:list")).content.decode()


def test_english_pages_are_translated(client, plan_a, measure_a, table_a):
    page = client.get(plan_a.get_absolute_url().replace("/fr/", "/en/")).content.decode()
    assert "Skip to content" in page
    assert "Schedule" in page
    assert "Échéance" not in page
