"""Follow-ups on a partner's Mon espace, on a phone: axe-clean, marked done by keyboard, and
without JavaScript; the coordinator's « Envoyer le compte rendu » page axe-clean."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from meetings.models import FollowUp, Meeting
from tests.e2e.axe import serious_violations
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TableFactory,
    coordinator_of,
    partner_of,
)

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 375, "height": 800}}


@pytest.fixture
def follow_ups():
    table = TableFactory(name="Table de D'Autray", slug="d-autray")
    afl = OrganisationFactory(name="Action Famille Lavaltrie")
    MembershipFactory(table=table, organisation=afl)
    PersonFactory(organisation=afl, first_name="Lucie", last_name="Mucha", email="lm@afl.example")
    meeting = Meeting.objects.create(
        table=table,
        starts_at=datetime(2025, 1, 22, 10, tzinfo=ZoneInfo("America/Montreal")),
        minutes="Présents : **tous**.",
    )
    for text, due_on in [("Publier le calendrier", date(2025, 2, 3)), ("Réserver la salle", None)]:
        FollowUp.objects.create(meeting=meeting, text=text, organisation=afl, due_on=due_on)
    return meeting, afl


@pytest.mark.parametrize("javascript", [True, False])
def test_a_partner_marks_a_follow_up_done_by_keyboard_on_a_phone(
    browser, login_as, live_server, follow_ups, javascript
):
    meeting, afl = follow_ups
    partner = partner_of(afl, username="lucie@afl.example")
    context = login_as(browser, partner, bypass_csp=True, java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/mon-espace/")
    assert page.get_by_text("En retard : échéance le 3 février 2025").is_visible()
    if javascript:
        assert serious_violations(page) == []

    button = page.get_by_role("button", name="Marquer comme fait").first
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/mon-espace/#suivis")

    assert page.get_by_text("Suivi marqué comme fait : Publier le calendrier").is_visible()
    assert page.get_by_role("button", name="Marquer comme fait").count() == 1
    assert FollowUp.objects.get(text="Publier le calendrier").done_at is not None
    context.close()


def test_the_send_minutes_page_is_accessible(browser, login_as, live_server, follow_ups):
    meeting, _afl = follow_ups
    MembershipFactory(table=meeting.table, organisation=OrganisationFactory())
    coordinator = coordinator_of(meeting.table, username="coord@example.org")
    context = login_as(browser, coordinator, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/admin/meetings/meeting/{meeting.pk}/compte-rendu/envoyer/")
    assert page.get_by_role("heading", name="Destinataire : 1 membre").is_visible()
    assert serious_violations(page) == []
    context.close()
