"""Registering to an event on a phone-sized page, by keyboard, with and without JavaScript;
axe-core finds no serious or critical violation on the form, its errors, the waiting-list
offer and the cancellation page."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Registration
from tests.e2e.axe import serious_violations
from tests.factories import EventFactory, TableFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 812}
ZOOM = "https://us02web.zoom.us/j/4721206946"


@pytest.fixture
def webinar(live_server):
    start = timezone.now() + timedelta(days=12)
    return EventFactory(
        table=TableFactory(name="Table Immigration de D'Autray"),
        title="Jeudi Immigration : accueillir les travailleurs étrangers temporaires",
        slug="jeudi-inscription",
        start=start,
        end=start + timedelta(hours=1),
        location="Zoom",
        online_url=ZOOM,
        registration_required=True,
        capacity=1,
    )


def fill_and_submit_by_keyboard(page, name, email):
    page.get_by_label("Votre nom").fill(name)
    page.get_by_label("Votre courriel").fill(email)
    page.get_by_label("Votre organisation (facultatif)").focus()
    page.keyboard.press("Tab")  # the next stop is the button
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_register_on_a_phone(browser, live_server, webinar, javascript):
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=javascript, bypass_csp=javascript
    )
    page = context.new_page()
    url = f"{live_server.url}{webinar.get_absolute_url()}"
    page.goto(url)
    assert ZOOM not in page.content()
    assert page.get_by_role("heading", name="Inscription").is_visible()
    violations = {}
    if javascript:
        violations["form"] = serious_violations(page)

    # Sent empty: the errors say what to fix, each linked to its field.
    with page.expect_navigation():
        page.get_by_role("button", name="M'inscrire").click()
    assert (
        page.get_by_role("alert").inner_text().startswith("Votre inscription n'est pas enregistrée")
    )
    if javascript:
        violations["errors"] = serious_violations(page)

    fill_and_submit_by_keyboard(page, "Amina Diallo", "amina@example.org")
    assert (
        page.get_by_role("status")
        .first.inner_text()
        .startswith("Merci ! Nous avons écrit à amina@example.org")
    )
    assert Registration.objects.get(email="amina@example.org").status == "confirmed"

    # The only place is taken: the page says so before the next person submits.
    assert "vous irez en liste d'attente" in page.locator("#inscription").inner_text()
    fill_and_submit_by_keyboard(page, "Marc Gravel", "marc@example.org")
    assert Registration.objects.get(email="marc@example.org").status == "waiting"
    if javascript:
        violations["full"] = serious_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Amina cancels from her e-mail's link, by keyboard; Marc gets her place and the link.
    (confirmation,) = [message for message in mail.outbox if message.to == ["amina@example.org"]]
    link = next(line for line in confirmation.body.splitlines() if "/annuler/" in line)
    page.goto(f"{live_server.url}{urlsplit(link.strip()).path}")
    if javascript:
        violations["cancel"] = serious_violations(page)
    page.get_by_role("button", name="Annuler mon inscription").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Votre inscription est annulée." in page.get_by_role("status").inner_text()
    assert Registration.objects.get(email="marc@example.org").status == "confirmed"
    (promotion,) = [message for message in mail.outbox if message.subject.startswith("Une place")]
    assert promotion.to == ["marc@example.org"] and ZOOM in promotion.body
    context.close()
    assert {name: found for name, found in violations.items() if found} == {}
