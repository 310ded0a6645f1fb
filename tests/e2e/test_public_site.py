"""The public site in a real browser: browsing, filtering, subscribing, switching language.
Every page type's accessibility and width: tests/e2e/test_public_pages_a11y.py."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from actionplans.models import Plan
from events.models import Event
from municipalities.models import Municipality
from partners.models import Table
from portal import demo
from tests.e2e.axe import violations

pytestmark = pytest.mark.django_db(transaction=True)
MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def site(live_server):
    demo.load_demo()
    table = Table.objects.get(slug="table-immigration-d-autray")
    start = datetime.now(MONTREAL).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(
        days=10
    )
    upcoming = Event.objects.create(
        table=table,
        title="Jeudi Immigration à venir",
        slug="jeudi-a-venir",
        start=start,
        end=start + timedelta(hours=1),
        online_url="https://zoom.example/j/1",
        municipality=Municipality.objects.get(slug="lavaltrie"),
    )
    return {"url": live_server.url, "event": upcoming}


@pytest.fixture
def page(browser):
    # axe-core is injected as an inline script, which the site's CSP refuses: the test harness
    # (not the page) bypasses it. tests/e2e/test_csp.py checks the pages with the CSP enforced.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def test_browse_from_home_to_a_measure(page, site):
    page.goto(f"{site['url']}/fr/")
    page.get_by_role("link", name="Table stratégique en immigration de la Beauce").click()
    page.get_by_role(
        "link", name="Plan d'action pour l'accueil, l'intégration et la rétention"
    ).click()
    assert (
        page.get_by_role("heading", level=1).inner_text().startswith("Plan d'action pour l'accueil")
    )
    page.get_by_role("link", name="1.1.1 Soutenir les partenaires").click()
    assert "1.1.1 Soutenir les partenaires" in page.get_by_role("heading", level=1).inner_text()
    assert "17\u00a0340\u00a0$" in page.locator("main").inner_text()


def test_filter_a_plan_without_losing_the_query(page, site):
    plan = Plan.objects.get(slug="plan-action-beauce-2022-2025")
    page.goto(f"{site['url']}{plan.get_absolute_url()}")
    page.get_by_label("Axe", exact=True).select_option(label=str(plan.axes.get(number=4)))
    page.get_by_role("button", name="Filtrer").click()
    assert "axe=" in page.url
    content = page.locator("main").inner_text()  # the number is styled apart from the title
    assert "4.1.3 Réaliser les redditions de compte" in content
    assert "1.1.1 Soutenir les partenaires" not in content
    assert page.get_by_label("Axe", exact=True).input_value() == str(plan.axes.get(number=4).pk)


def test_subscribe_to_the_calendar_feed(page, site):
    page.goto(f"{site['url']}/fr/evenements/")
    subscribe = page.get_by_role("link", name="S'abonner au calendrier", exact=True)
    host = site["url"].split("://", 1)[1]
    assert subscribe.get_attribute("href") == f"webcal://{host}/fr/evenements.ics"
    href = page.get_by_role("link", name="Télécharger (.ics)").get_attribute("href")
    assert href == "/fr/evenements.ics"
    response = page.request.get(f"{site['url']}{href}")
    calendar = Calendar.from_ical(response.body())
    summaries = {str(event["summary"]) for event in calendar.walk("VEVENT")}
    assert {"Jeudi Immigration à venir", "Jeudis Immigration de D'Autray"} <= summaries
    series = next(
        e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Jeudis Immigration de D'Autray"
    )
    assert (
        series.decoded("dtstart").hour == 10
        and str(series.decoded("dtstart").tzinfo) == "America/Montreal"
    )


def test_switch_language(page, site):
    page.goto(f"{site['url']}/fr/evenements/")
    assert page.locator("html").get_attribute("lang") == "fr-CA"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/evenements/")
    assert page.get_by_role("heading", level=1).inner_text() == "Events calendar"
    assert page.locator("html").get_attribute("lang") == "en-CA"
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/fr/evenements/")


def test_the_accessibility_check_does_catch_violations(page):
    """Guards the harness: a page with an unlabelled field and an image without text fails."""
    page.set_content(
        '<html lang="fr"><body><main><img src="x.png"><input type="text"></main></body></html>'
    )
    assert {"image-alt", "label"} <= {violation["id"] for violation in violations(page)}
