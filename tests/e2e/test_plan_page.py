"""The public plan and measure pages in Chromium: long indicator labels leave their values
readable, the table of contents leads to its axis, nothing scrolls sideways at 375 px, and
axe-core finds no violation of any impact, in French and in English."""

import re

import pytest

from actionplans.models import Measure, Plan
from portal import demo

pytestmark = pytest.mark.django_db(transaction=True)
BEAUCE = "plan-action-beauce-2022-2025"
LONG_LABELS = ("2.1.4", "2.2.2", "3.1.1")  # the Beauce plan's long indicator labels


@pytest.fixture
def site(live_server):
    demo.load_demo()
    plan = Plan.objects.get(slug=BEAUCE)
    measure = Measure.objects.of_plan(plan).get(number="2.1.4")
    return {"url": live_server.url, "plan": plan.get_absolute_url(), "measure": measure}


def open_page(browser, width):
    # axe-core is injected as an inline script, which the site's CSP refuses (tests/e2e/axe.py)
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    return context, context.new_page()


def measure_card(page, number):
    heading = page.get_by_role("heading", name=re.compile(rf"^{re.escape(number)} "))
    return page.locator("article", has=heading)


def test_a_long_indicator_label_leaves_the_values_readable(browser, site):
    """At 1280 px every value of the card (lead, schedule, indicator, budget) keeps at least
    40 % of the card's width and shows its text: a long label does not squeeze it."""
    context, page = open_page(browser, 1280)
    page.goto(f"{site['url']}{site['plan']}")
    narrow = {}
    for number in LONG_LABELS:
        card = measure_card(page, number)
        card_width = card.bounding_box()["width"]
        values = card.locator("dd")
        assert values.count() >= 3, number
        for index in range(values.count()):
            value = values.nth(index)
            box = value.bounding_box()
            assert value.is_visible() and value.inner_text().strip(), (number, index)
            if box["width"] < 0.4 * card_width:
                narrow[(number, value.inner_text()[:30])] = round(box["width"] / card_width, 2)
    context.close()
    assert narrow == {}


def test_the_table_of_contents_leads_to_each_axis(browser, site):
    context, page = open_page(browser, 1280)
    page.goto(f"{site['url']}{site['plan']}")
    contents = page.get_by_role("navigation", name="Axes du plan")
    contents.get_by_role("link", name=re.compile("^Axe 3 :")).click()
    assert page.url.endswith("#axe-3")
    assert page.locator("#axe-3").inner_text().startswith("Axe 3 :")
    context.close()


def test_a_filter_that_finds_nothing_offers_to_show_all(browser, site):
    context, page = open_page(browser, 1280)
    page.goto(f"{site['url']}{site['plan']}")
    page.get_by_label("Recherche").fill("aucune mesure ne porte ce nom")
    page.get_by_role("button", name="Filtrer").click()
    assert page.get_by_role("status").inner_text().startswith("Aucun moyen d'action")
    assert page.get_by_role("heading", level=2, name=re.compile("^Axe ")).count() == 0
    page.get_by_role("link", name="Tout afficher").click()
    assert page.get_by_role("heading", level=2, name=re.compile("^Axe ")).count() == 4
    context.close()
