"""The tour of every public page type (and Mon espace, the activity form, the review queue and
the report preview) at 1280 and 375 px, in French and in English: axe-core finds no violation
of any impact and nothing scrolls sideways. One demo load and one axe run per page and size:
the whole tour is one test, so the demo is loaded once."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from actionplans.models import Measure, Plan
from events.models import Event
from municipalities.models import Municipality
from partners.models import Table
from portal import demo
from tests.e2e.axe import violations

pytestmark = pytest.mark.django_db(transaction=True)
MONTREAL = ZoneInfo("America/Montreal")
WIDTHS = (1280, 375)
PARTNER = "partenaire.cje@tables-immigration.example"
COORDINATOR = "coordination.beauce@tables-immigration.example"


def tour_paths():
    """``{who: {page: French path}}``; English paths swap the /fr/ prefix."""
    table = Table.objects.get(slug="table-immigration-d-autray")
    start = datetime.now(MONTREAL).replace(hour=10, minute=0, second=0, microsecond=0)
    event = Event.objects.create(
        table=table,
        title="Jeudi Immigration à venir",
        slug="jeudi-a-venir",
        start=start + timedelta(days=10),
        end=start + timedelta(days=10, hours=1),
        location="Salle du conseil",
        municipality=Municipality.objects.get(slug="lavaltrie"),
    )
    plan = Plan.objects.get(slug="plan-action-beauce-2022-2025")
    measure = Measure.objects.of_plan(plan).get(number="1.3.3")
    return {
        "anonymous": {
            "accueil": "/fr/",
            "table": "/fr/tables/table-immigration-d-autray/",
            "municipalité": "/fr/municipalites/lavaltrie/",
            "plan": plan.get_absolute_url(),
            "mesure": measure.get_absolute_url(),
            "mesure au long indicateur": Measure.objects.of_plan(plan)
            .get(number="2.1.4")
            .get_absolute_url(),
            "plan filtré sans résultat": plan.get_absolute_url() + "?q=zzzzzzzz",
            "calendrier": "/fr/evenements/",
            "mois": f"/fr/evenements/mois/{event.start.year}/{event.start.month}/",
            "événement": event.get_absolute_url(),
            "répertoire": "/fr/repertoire/",
            "trousses": "/fr/trousses/",
            "trousse personnalisée": "/fr/trousses/collaboration-2-promotion-pais/fortierville/",
            "connexion": "/fr/comptes/login/",
            "404": "/fr/cette-page-n-existe-pas/",
            "inscription à la liste": f"/fr/listes/{table.slug}/inscription/",
        },
        PARTNER: {
            "mon espace (partenaire, avec le message de connexion)": "/fr/mon-espace/",
            "activité": f"/fr/activites/nouvelle/?mesure={measure.pk}",
            "mes activités": "/fr/activites/",
        },
        COORDINATOR: {
            "mon espace (coordination)": "/fr/mon-espace/",
            "file de révision": "/fr/activites/revision/",
            "aperçu du rapport": f"/fr/rapports/{plan.slug}/",
            "rapport en HTML": f"/fr/rapports/{plan.slug}/?periode=all&type=etape&langue=fr"
            "&version=full&format=html",
        },
    }


def log_in(page, url, username):
    """Through the login form, as a person would: the next page shows the site's message."""
    page.goto(f"{url}/fr/comptes/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_every_public_page_type_has_no_violation_and_no_sideways_scroll(browser, live_server):
    started = time.monotonic()
    demo.load_demo()
    paths = tour_paths()
    assert get_user_model().objects.filter(username__in=[PARTNER, COORDINATOR]).count() == 2
    failures, checked, message_seen = {}, 0, False
    for lang in ("fr", "en"):
        for width in WIDTHS:
            for who, pages in paths.items():
                # axe-core is injected as an inline script, which the site's CSP refuses.
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, bypass_csp=True
                )
                page = context.new_page()
                if who != "anonymous":
                    log_in(page, live_server.url, who)
                for name, path in pages.items():
                    path = f"/{lang}/" + path.removeprefix("/fr/")
                    if page.url != f"{live_server.url}{path}":
                        page.goto(f"{live_server.url}{path}")
                    message_seen |= page.locator(".messages .message").count() > 0
                    problems = [
                        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']]}"
                        for v in violations(page)
                    ]
                    scroll, client = page.evaluate(
                        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                    )
                    if scroll > client:
                        problems.append(f"scrolls sideways: {scroll} > {client} px")
                    if problems:
                        failures[f"{lang} {width} px {name} ({path})"] = problems
                    checked += 1
                context.close()
    print(f"\n{checked} pages checked in {time.monotonic() - started:.0f} s")
    assert message_seen, "the login message was not shown: the flash messages went unchecked"
    assert not failures, "\n".join(
        f"{where}: {problem}" for where, problems in failures.items() for problem in problems
    )
