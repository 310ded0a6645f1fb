"""Answering a convocation on a phone-sized page, by its signed link and without an account:
with JavaScript (axe-core finds no serious or critical violation) and without it."""

import pytest

from meetings.addresses import answer_path
from meetings.convocations import convene
from meetings.models import Attendance
from tests.e2e.axe import serious_violations
from tests.factories import TableFactory
from tests.meetings.world import committee_meeting_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def convocations(live_server):
    convene(committee_meeting_in(TableFactory(name="Table Immigration MRC de D'Autray")))
    return {
        attendance.email: f"{live_server.url}{answer_path(attendance)}"
        for attendance in Attendance.objects.all()
    }


def test_answer_represented_with_javascript_by_keyboard(browser, convocations):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # axe is an inline script
    page = context.new_page()
    page.goto(convocations["lm@afl.example"])
    assert page.get_by_role("heading", level=1).inner_text() == "Comité de coordination"
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Without the name of the representative: refused, the error named and linked.
    page.get_by_role("group", name="Votre réponse").get_by_label("Je serai représenté·e").check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    assert "Indiquez qui vous représentera" in page.get_by_role("alert").inner_text()
    assert serious_violations(page) == []
    assert Attendance.objects.get(email="lm@afl.example").answered_at is None

    page.get_by_label("Représenté·e par").fill("Rita Doucet")
    page.get_by_label("Représenté·e par").press("Enter")
    assert "Votre réponse est enregistrée : Représenté" in page.get_by_role("status").inner_text()
    assert serious_violations(page) == []
    attendance = Attendance.objects.get(email="lm@afl.example")
    assert (attendance.answer, attendance.represented_by) == ("represented", "Rita Doucet")
    context.close()


def test_answer_present_without_javascript(browser, convocations):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(convocations["jl@mrc.example"])
    page.get_by_label("Je serai présent·e").check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    assert "Votre réponse est enregistrée : Présent" in page.get_by_role("status").inner_text()
    assert Attendance.objects.get(email="jl@mrc.example").answer == "present"
    context.close()
