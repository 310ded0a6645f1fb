"""The home page: each table's territory, current plan progress and next event; the next
public events across tables; French names marked lang="fr" on English pages."""

import html
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accountability.progress import Rollup, plan_progress
from tests.builders import plan_with_measures
from tests.factories import EventFactory, MunicipalityFactory, PlanFactory, TableFactory

pytestmark = pytest.mark.django_db


def text_of(markup):
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def card_of(page, table):
    (card,) = [card for card in page.split('<li class="card">') if f">{table.name}</a>" in card]
    return text_of(card)


def test_each_table_card_shows_its_territory_plan_progress_and_next_event(client):
    plan = plan_with_measures(measures=4, title="Plan d'action de la Beauce")
    MunicipalityFactory(mrc=plan.table.mrcs.first())
    _, measures, _ = plan_progress(plan)
    percent = Rollup(measures=list(measures.values())).percent
    assert percent > 0
    idle = TableFactory(name="Table sans plan")
    first = plan.table.events.order_by("start", "pk").first()

    page = client.get("/fr/").content.decode()

    card = card_of(page, plan.table)
    assert f"{plan.table.mrcs.first().name} · 2 municipalités" in card
    assert "Plan d'action de la Beauce" in card
    assert f"{percent} % réalisé" in card
    assert f"{first.title} 6 février 2030, 10 h" in card
    idle_card = card_of(page, idle)
    assert "Aucun plan publié pour l'instant." in idle_card
    assert "Aucun événement public annoncé." in idle_card


def test_the_current_plan_is_the_one_running_today_not_the_newest(client):
    table = TableFactory()
    today = timezone.localdate()
    PlanFactory(
        table=table,
        title="Plan en cours",
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=300),
    )
    PlanFactory(
        table=table,
        title="Plan suivant",
        start_date=today + timedelta(days=301),
        end_date=today + timedelta(days=1200),
    )
    card = card_of(client.get("/fr/").content.decode(), table)
    assert "Plan en cours" in card
    assert "Plan suivant" not in card


def test_the_next_five_public_events_across_tables(client):
    soon = timezone.now().replace(microsecond=0) + timedelta(days=1)
    for day in range(6):
        EventFactory(title=f"Rencontre {day}", start=soon + timedelta(days=day), location="Salle")
    EventFactory(title="Rencontre privée", start=soon, is_public=False)
    EventFactory(title="Rencontre passée", start=soon - timedelta(days=10))

    page = client.get("/fr/").content.decode()
    band = text_of(page[page.index('id="next-events"') : page.index("Tout le calendrier")])

    assert re.findall(r"Rencontre \w+", band) == [f"Rencontre {day}" for day in range(5)]
    assert "Salle" in band


def test_home_queries_stay_flat_at_ten_times_the_tables_plans_and_activities(client):
    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/fr/").status_code == 200
        return len(context)

    plan_with_measures(measures=2)
    small = count()
    for _ in range(10):
        plan_with_measures(measures=10)
    assert count() == small
    assert small <= 12


def test_french_names_are_marked_french_on_english_pages(client):
    plan = plan_with_measures(measures=1, title="Plan d'action de la Beauce")
    table = plan.table

    english = client.get(f"/en/tables/{table.slug}/").content.decode()
    french = client.get(f"/fr/tables/{table.slug}/").content.decode()
    home = client.get("/en/").content.decode()

    assert f'<h1><span lang="fr">{table.name}</span></h1>' in english
    assert '<span lang="fr">Plan d&#x27;action de la Beauce</span>' in english
    assert f"<h1>{table.name}</h1>" in french
    assert 'lang="fr"' not in french.split("<body>")[1]
    assert f'<span lang="fr">{table.name}</span>' in home


def test_french_texts_are_marked_on_english_pages(client, db):
    """Descriptions, mandates and objectives are written in French: a screen reader reading an
    English page reads them with a French voice."""
    table = TableFactory()
    event = EventFactory(table=table, description="Un café-rencontre ouvert à tous")
    plan = PlanFactory(table=table, general_objective="Accueillir et retenir les personnes")
    event_page = client.get(event.get_absolute_url().replace("/fr/", "/en/", 1)).content.decode()
    assert '<p lang="fr">Un café-rencontre ouvert à tous</p>' in event_page
    plan_page = client.get(plan.get_absolute_url().replace("/fr/", "/en/", 1)).content.decode()
    assert '<span lang="fr">Accueillir et retenir les personnes</span>' in plan_page


def test_a_plans_percentage_is_kept_until_the_plan_changes(client):
    """The home page keeps each plan's percentage in the shared cache; a write to the plan (an
    activity's value here) shows on the next visit."""
    plan = plan_with_measures(measures=4, title="Plan d'action de la Beauce")
    first = card_of(client.get("/fr/").content.decode(), plan.table)
    before = int(re.search(r"(\d+) % réalisé", first).group(1))
    with CaptureQueriesContext(connection) as warm:
        client.get("/fr/")
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get("/fr/")
    assert len(warm) < len(cold)  # the percentage came from the cache

    value = plan.axes.first().objectives.first().measures.first().indicators.get().values.get()
    value.value = 19
    value.save()
    after = card_of(client.get("/fr/").content.decode(), plan.table)
    assert int(re.search(r"(\d+) % réalisé", after).group(1)) > before
