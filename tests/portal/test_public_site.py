"""Public pages: plan progress with filters, measure page, calendar and feeds, directory,
municipality page, sitemap. Drafts and non-public events never show."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from actionplans.models import Plan
from events.models import EventSeries
from tests.factories import (
    ActivityFactory,
    CommitteeFactory,
    EventFactory,
    IndicatorFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    TargetFactory,
    measure_in,
)

pytestmark = pytest.mark.django_db
MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def plan(plan_a):
    cje = OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")
    first = measure_in(plan_a, "1.1.1", title="Capsules d'information")
    first.leads.add(cje)
    indicator = IndicatorFactory(measure=first, label="Nombre de capsules")
    TargetFactory(indicator=indicator, year=plan_a.years.get(number=1), value=3, text="3 capsules")
    ActivityFactory(
        measure=first, date=date(2022, 6, 1), status="approved", title="Capsule 1"
    ).values.create(indicator=indicator, value=2)
    ActivityFactory(
        measure=first, date=date(2022, 7, 1), status="submitted", title="Capsule en révision"
    )
    measure_in(plan_a, "1.1.2", title="Jumelage interculturel")
    return plan_a


def test_plan_page_shows_progress_as_bars_and_text(client, plan):
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Capsules d&#x27;information" in page
    assert "Carrefour jeunesse-emploi" in page
    assert '<progress class="progress" max="100" value="66"' in page
    assert "66\u00a0%" in page


def test_plan_filters_live_in_the_url(client, plan):
    url = plan.get_absolute_url()
    page = client.get(url, {"q": "jumelage"}).content.decode()
    assert "Jumelage interculturel" in page and "Capsules d&#x27;information" not in page
    assert 'value="jumelage"' in page
    cje = plan.axes.first().objectives.first().measures.get(number="1.1.1").leads.get()
    page = client.get(url, {"organisation": cje.pk}).content.decode()
    assert "Capsules d&#x27;information" in page and "Jumelage interculturel" not in page
    page = client.get(url, {"statut": "late"}).content.decode()  # the plan ended in 2025
    assert "Jumelage interculturel" in page
    page = client.get(url, {"statut": "achieved"}).content.decode()
    assert "Jumelage interculturel" not in page
    assert "Aucun moyen d'action ne correspond à ces filtres." in page
    page = client.get(url, {"annee": "999999"}).content.decode()
    assert "Sélectionnez un choix valide" in page


def test_measure_page_lists_targets_actuals_and_approved_activities_only(client, plan, table_a):
    measure = plan.axes.first().objectives.first().measures.get(number="1.1.1")
    EventFactory(table=table_a, title="Lancement des capsules").measures.add(measure)
    EventFactory(table=table_a, title="Réunion interne", is_public=False).measures.add(measure)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "3 capsules" in page and "Capsule 1" in page
    assert "Capsule en révision" not in page
    assert "Lancement des capsules" in page and "Réunion interne" not in page


@pytest.fixture
def jeudis(table_a):
    series = EventSeries.objects.create(table=table_a, title="Jeudis Immigration", slug="jeudis")
    days = [date(2031, 2, 6), date(2031, 3, 13), date(2031, 4, 17)]
    return [
        EventFactory(
            table=table_a,
            series=series,
            title="Jeudis Immigration",
            start=datetime(day.year, day.month, day.day, 10, tzinfo=MONTREAL),
            end=datetime(day.year, day.month, day.day, 11, tzinfo=MONTREAL),
            online_url="https://zoom.example/j/1",
        )
        for day in days
    ]


def parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_feed_parses_back_with_montreal_local_times_and_each_session(client, jeudis, table_a):
    EventFactory(table=table_a, title="Rencontre interne", is_public=False)
    single = EventFactory(table=table_a, title="Fête interculturelle")
    calendar = parse(client.get("/fr/evenements.ics"))
    vevents = calendar.walk("VEVENT")
    assert sorted(str(vevent["summary"]) for vevent in vevents) == [
        "Fête interculturelle",
        *["Jeudis Immigration"] * 3,
    ]
    sessions = [vevent for vevent in vevents if str(vevent["summary"]) == "Jeudis Immigration"]
    starts = [session.decoded("dtstart") for session in sessions]
    assert [(start.date().isoformat(), start.hour) for start in starts] == [
        ("2031-02-06", 10),
        ("2031-03-13", 10),
        ("2031-04-17", 10),
    ]
    assert str(starts[0].tzinfo) == "America/Montreal"
    assert starts[0].astimezone(ZoneInfo("UTC")).hour == 15
    assert [str(session["uid"]) for session in sessions] == [
        f"evenement-{event.pk}@tables-immigration" for event in jeudis
    ]
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "America/Montreal"
    again = parse(client.get("/fr/evenements.ics"))
    assert sorted(str(e["uid"]) for e in again.walk("VEVENT")) == sorted(
        str(e["uid"]) for e in vevents
    )
    events = {str(component["summary"]): component for component in vevents}
    assert str(events["Fête interculturelle"]["uid"]) == f"evenement-{single.pk}@tables-immigration"


def test_table_feed_and_single_event_ics(client, jeudis, table_a, table_b):
    EventFactory(table=table_b, title="Ailleurs")
    calendar = parse(client.get(f"/fr/tables/{table_a.slug}/evenements.ics"))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Jeudis Immigration"] * 3
    one = parse(client.get(reverse("events:ics", args=[jeudis[0].slug])))
    assert len(one.walk("VEVENT")) == 1


def test_calendar_list_month_and_filters(client, jeudis, table_a):
    town = MunicipalityFactory(name="Fortierville")
    EventFactory(table=table_a, title="Fête au village", municipality=town, online_url="")
    EventFactory(
        table=table_a,
        title="Souvenir",
        start=datetime(2020, 5, 1, 18, tzinfo=MONTREAL),
        end=datetime(2020, 5, 1, 20, tzinfo=MONTREAL),
    )
    page = client.get(reverse("events:list")).content.decode()
    assert "Jeudis Immigration" in page and "Fête au village" in page and "Souvenir" not in page
    assert "6 février 2031, 10\u00a0h à 11\u00a0h" in page
    page = client.get(reverse("events:list"), {"format": "en-ligne"}).content.decode()
    assert "Jeudis Immigration" in page and "Fête au village" not in page
    page = client.get(reverse("events:list"), {"municipalite": town.slug}).content.decode()
    assert "Fête au village" in page and "Jeudis Immigration" not in page
    assert "Souvenir" in client.get(reverse("events:list"), {"quand": "passes"}).content.decode()
    month = client.get(reverse("events:month", args=[2031, 2])).content.decode()
    assert "Février 2031" in month and "Jeudis Immigration" in month
    assert client.get(reverse("events:month", args=[2031, 13])).status_code == 404


def test_event_page_offers_add_to_calendar(client, jeudis):
    page = client.get(jeudis[0].get_absolute_url()).content.decode()
    assert reverse("events:ics", args=[jeudis[0].slug]) in page
    assert '<meta property="og:title" content="Jeudis Immigration">' in page
    assert '<meta property="og:type" content="article">' in page


def test_directory_filters(client):
    becancour = MunicipalityFactory(name="Fortierville")
    pais = OrganisationFactory(
        name="Projet d'Accueil et d'Intégration Solidaire",
        acronym="PAIS",
        kind="reception",
        description="Accueil et intégration",
    )
    pais.territory.add(becancour.mrc)
    OrganisationFactory(name="Organisme caché", is_listed=False)
    OrganisationFactory(name="Entreprise ailleurs", kind="business")
    page = client.get(reverse("directory")).content.decode()
    assert "PAIS" in page and "Organisme caché" not in page
    page = client.get(reverse("directory"), {"municipalite": becancour.slug}).content.decode()
    assert "PAIS" in page and "Entreprise ailleurs" not in page
    page = client.get(reverse("directory"), {"service": "business"}).content.decode()
    assert "Entreprise ailleurs" in page and "PAIS" not in page
    page = client.get(reverse("directory"), {"mrc": becancour.mrc.slug}).content.decode()
    assert "PAIS" in page and "Entreprise ailleurs" not in page


def test_municipality_page(client, table_a, plan):
    town = MunicipalityFactory(name="Fortierville", mrc=table_a.mrcs.first())
    town.contact = PersonFactory(title="Personne désignée immigration")
    town.save()
    CommitteeFactory(
        table=table_a, name="Comité d'accueil de Fortierville", kind="reception", municipality=town
    )
    EventFactory(table=table_a, title="Fête au village", municipality=town)
    approved = ActivityFactory(
        measure=plan.axes.first().objectives.first().measures.first(), title="Atelier au village"
    )
    approved.municipalities.add(town)
    hidden = ActivityFactory(measure=approved.measure, title="Atelier brouillon", status="draft")
    hidden.municipalities.add(town)
    page = client.get(town.get_absolute_url()).content.decode()
    for text in (
        "Personne désignée immigration",
        "Comité d&#x27;accueil de Fortierville",
        "Fête au village",
        "Atelier au village",
        "Table A",
    ):
        assert text in page
    assert "Atelier brouillon" not in page


def test_sitemap_lists_public_pages_in_both_languages(client, plan, table_a):
    draft = PlanFactory(table=table_a, slug="brouillon", status=Plan.Status.DRAFT)
    EventFactory(table=table_a, slug="interne", is_public=False)
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/fr/plans/{plan.slug}/" in xml and f"/en/plans/{plan.slug}/" in xml
    assert draft.slug not in xml and "/interne/" not in xml
    assert 'hreflang="en"' in xml


def test_drafts_never_show_publicly(client, table_a):
    draft = PlanFactory(
        table=table_a, slug="brouillon", title="Plan secret", status=Plan.Status.DRAFT
    )
    measure = measure_in(draft, "1.1.1")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(measure.get_absolute_url()).status_code == 404
    assert client.get(f"/fr/plans/{draft.slug}.json").status_code == 404
    assert "Plan secret" not in client.get(table_a.get_absolute_url()).content.decode()
    assert "Plan secret" not in client.get("/fr/").content.decode()


def test_english_pages_use_english_formats(client, jeudis):
    page = client.get(jeudis[0].get_absolute_url().replace("/fr/", "/en/")).content.decode()
    assert "February 6, 2031" in page
    assert "Add to my calendar" in page


def test_each_page_names_its_other_language_by_its_whole_address_and_has_an_icon(client, db):
    """Search engines read ``hreflang`` alternates only as whole addresses; a page without an
    icon makes the browser ask for /favicon.ico, a 404 in its console."""
    html = client.get("/fr/evenements/?vue=liste").content.decode()
    assert (
        '<link rel="alternate" hreflang="en-CA" href="http://testserver/en/evenements/?vue=liste">'
        in html
    )
    assert '<link rel="alternate" hreflang="fr-CA" href="http://testserver/fr/evenements/' in html
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
