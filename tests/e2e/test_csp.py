"""The Content-Security-Policy as Chromium enforces it: on every main page type (public, partner,
coordinator, the admin and allauth's two-factor set-up), with their scripts running and their
widgets opened, the browser reports no violation (a refused script or style would break the
page). The policy is the real one: no context here bypasses it."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user_model

from actionplans.models import Measure, Plan
from events.models import Event
from partners.models import Invitation, Organisation, Person
from partners.services import invitation_create
from portal import demo

pytestmark = pytest.mark.django_db(transaction=True)
BEAUCE = "plan-action-beauce-2022-2025"


@pytest.fixture
def site(live_server):
    demo.load_demo()
    plan = Plan.objects.get(slug=BEAUCE)
    return {
        "url": live_server.url,
        "plan": plan,
        "measure": Measure.objects.of_plan(plan).get(number="1.3.1"),
        "event": Event.objects.filter(table__isnull=False).order_by("pk").first(),
    }


def public_paths(site):
    """One page of each public type (French)."""
    plan, event = site["plan"], site["event"]
    return {
        "accueil": "/fr/",
        "table": "/fr/tables/table-immigration-d-autray/",
        "plan": plan.get_absolute_url(),
        "mesure": site["measure"].get_absolute_url(),
        "calendrier": "/fr/evenements/",
        "mois": f"/fr/evenements/mois/{event.start.year}/{event.start.month}/",
        "evenement": event.get_absolute_url(),
        "repertoire": "/fr/repertoire/",
        "municipalite": "/fr/municipalites/lavaltrie/",
        "connexion": "/fr/comptes/login/",
        "english": "/en/",
    }


def user(username):
    return get_user_model().objects.get(username=username)


class Violations:
    """The CSP violations Chromium reports in the console, per page."""

    def __init__(self, page):
        self.page = page
        self.found = {}
        self.current = None
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.found.setdefault(self.current, []).append(message.text[:300])

    def visit(self, base, path, then=None):
        self.current = path
        response = self.page.goto(f"{base}{path}")
        assert response.headers.get("content-security-policy"), path
        self.page.wait_for_load_state("networkidle")
        if then is not None:
            then(self.page)
            self.page.wait_for_load_state("networkidle")


def open_first_autocomplete(page):
    """Django's autocomplete (select2): open it and type, so that its script draws results."""
    selection = page.locator(".select2-selection").first
    selection.click()
    page.keyboard.type("C")
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")


def add_an_inline_row(page):
    page.locator(".add-row a").first.click()


def tick_an_action_checkbox(page):
    page.locator("input.action-select").first.check()


def open_a_calendar(page):
    page.locator(".datetimeshortcuts a").first.click()


def copy_a_text(page):
    page.get_by_role("button", name="Copier").first.click()


def test_public_pages_report_no_csp_violation(browser, site):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site["url"])
    page = context.new_page()
    violations = Violations(page)
    paths = {
        **public_paths(site),
        "trousses": "/fr/trousses/",
        "trousse": "/fr/trousses/collaboration-2-promotion-pais/",
        "introuvable": "/fr/nulle-part/",
    }
    for path in paths.values():
        violations.visit(site["url"], path)
    violations.visit(
        site["url"], "/fr/trousses/collaboration-2-promotion-pais/fortierville/", copy_a_text
    )
    context.close()
    assert violations.found == {}


def test_partner_pages_report_no_csp_violation(browser, login_as, site):
    context = login_as(browser, user("partenaire.cje@tables-immigration.example"))
    page = context.new_page()
    violations = Violations(page)
    for path in (
        "/fr/mon-espace/",
        f"/fr/activites/nouvelle/?mesure={site['measure'].pk}",
        "/fr/activites/",
    ):
        violations.visit(site["url"], path)
    context.close()
    assert violations.found == {}


def test_coordinator_and_admin_pages_report_no_csp_violation(browser, login_as, site):
    plan, measure, event = site["plan"], site["measure"], site["event"]
    coordinator = user("coordination.beauce@tables-immigration.example")
    context = login_as(browser, coordinator)
    page = context.new_page()
    violations = Violations(page)
    report = "periode=all&type=etape&langue=fr&version=full&format=html"
    pages = [
        ("/fr/mon-espace/", None),
        ("/fr/activites/revision/", None),
        ("/fr/mon-espace/inviter/", None),
        ("/fr/rapports/", None),
        (f"/fr/rapports/{plan.slug}/", None),
        (f"/fr/rapports/{plan.slug}/?{report}", None),
        (f"/fr/trousses/suivi/{plan.table.slug}/", None),
        ("/fr/admin/", None),
        ("/fr/admin/actionplans/measure/", tick_an_action_checkbox),
        (f"/fr/admin/actionplans/measure/{measure.pk}/change/", open_first_autocomplete),
        (f"/fr/admin/actionplans/measure/{measure.pk}/change/", add_an_inline_row),
        (f"/fr/admin/actionplans/plan/{plan.pk}/change/", None),
        (f"/fr/admin/actionplans/plan/{plan.pk}/history/", None),
        (f"/fr/admin/actionplans/plan/importer/{plan.table.pk}/", None),
        ("/fr/admin/actionplans/measure/import/", None),
        (f"/fr/admin/partners/table/{plan.table.pk}/change/", None),
        ("/fr/admin/partners/organisation/add/", None),
    ]
    if event is not None and event.table_id == plan.table_id:
        pages.append((f"/fr/admin/events/event/{event.pk}/change/", open_a_calendar))
    else:
        pages.append(("/fr/admin/events/event/add/", open_a_calendar))
    for path, then in pages:
        violations.visit(site["url"], path, then)
    context.close()
    assert violations.found == {}


# allauth's own templates read variables the strict template mode rejects.
@pytest.mark.ignore_template_errors
def test_the_two_factor_set_up_reports_no_csp_violation(browser, site):
    """allauth's pages, reached by a real login: the QR code is an inline (data:) image."""
    context = browser.new_context()
    page = context.new_page()
    violations = Violations(page)
    violations.visit(site["url"], "/fr/comptes/login/")
    page.locator("input[name=login]").fill("coordination.beauce@tables-immigration.example")
    page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")
    violations.visit(site["url"], "/fr/comptes/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_url("**/2fa/totp/activate/")
    qr_code = page.locator("img[src^='data:image/svg+xml']")
    qr_code.wait_for()
    assert page.evaluate("(img) => img.naturalWidth > 0", qr_code.element_handle())
    context.close()
    assert violations.found == {}


def test_the_console_check_does_catch_a_violation(browser, site):
    """Guards the harness: an inline style on one of our pages is reported."""
    context = browser.new_context()
    page = context.new_page()
    violations = Violations(page)
    violations.visit(
        site["url"],
        "/fr/",
        lambda page: page.evaluate(
            "() => { const p = document.createElement('p');"
            " p.setAttribute('style', 'color: red'); document.body.append(p); }"
        ),
    )
    context.close()
    assert list(violations.found) == ["/fr/"]


def test_an_invited_account_with_totp_gives_its_code_before_answering(browser, site):
    """The invitation link of an existing account opens no session: Chromium goes through the
    login and allauth's two-factor stage, then answers; no page on the way breaks the CSP."""
    table = site["plan"].table
    partner = user("partenaire.cje@tables-immigration.example")
    secret = generate_totp_secret()
    TOTP.activate(partner, secret)
    organisation = (
        Organisation.objects.of_tables([table.pk])
        .exclude(pk=partner.person.organisation_id)
        .first()
    )
    _invitation, link = invitation_create(
        email=partner.email,
        organisation=organisation,
        role=Invitation.Role.PARTNER,
        table=table,
        invited_by=user("coordination.beauce@tables-immigration.example"),
    )
    path = link.split("127.0.0.1:8000", 1)[1]
    context = browser.new_context()
    page = context.new_page()
    violations = Violations(page)
    violations.visit(site["url"], path)
    assert "/comptes/login/" in page.url
    page.locator("input[name=login]").fill(partner.email)
    page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/2fa/authenticate/")
    violations.current = "/fr/comptes/2fa/authenticate/"
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    page.locator("input[name=code]").fill(code)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"**{path}")
    violations.current = path
    assert organisation.name in page.locator("main").inner_text()
    page.get_by_role("button", name="Accepter").click()
    page.wait_for_url("**/mon-espace/")
    context.close()
    assert Person.objects.get(user=partner).organisation == organisation
    assert violations.found == {}
