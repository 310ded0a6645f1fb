"""Answering a date poll on a phone (375 px), with and without JavaScript, by keyboard; the
answer page and the coordinator's results grid have no serious accessibility violation."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from meetings import polls
from meetings.models import DatePoll, PollAnswer, PollSlot
from tests.e2e.axe import serious_violations
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    coordinator_of,
)

pytestmark = pytest.mark.django_db(transaction=True)
MONTREAL = ZoneInfo("America/Montreal")
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True}


@pytest.fixture
def poll(table_a):
    committee = CommitteeFactory(table=table_a, name="Comité de coordination")
    afl = OrganisationFactory(name="Action Famille Lavaltrie")
    PersonFactory(organisation=afl, first_name="Lucie", last_name="Mucha", email="lm@afl.example")
    MembershipFactory(table=table_a, committee=committee, organisation=afl)
    poll = DatePoll.objects.create(
        table=table_a,
        committee=committee,
        title="Rencontre du comité de coordination",
        description="Trois dates pour la rencontre de printemps.",
        closes_on=timezone.localdate() + timedelta(days=14),
    )
    day = timezone.localdate() + timedelta(days=30)
    for offset in range(3):
        start = datetime.combine(day + timedelta(days=7 * offset), datetime.min.time(), MONTREAL)
        PollSlot.objects.create(
            poll=poll, starts_at=start.replace(hour=9, minute=30), ends_at=start.replace(hour=12)
        )
    polls.datepoll_send(poll=poll)
    return poll


def _path(poll):
    url = next(line for line in mail.outbox[-1].body.splitlines() if "/sondage/" in line)
    return url.strip()[url.strip().index("/fr/") :]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_member_answers_on_a_phone(browser, live_server, poll, javascript, tmp_path):
    # axe-core is an inline script, which the site's CSP refuses: the harness bypasses it.
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=True, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}{_path(poll)}")
    assert "Bonjour Lucie Mucha," in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    slots = list(poll.slots.order_by("starts_at"))
    labels = [polls.slot_label(slot) for slot in slots]
    if javascript:
        assert serious_violations(page) == []
        # By keyboard alone: the arrow moves within a group, Tab to the next group, Space
        # checks its first choice.
        first = page.get_by_role("group", name=labels[0])
        first.get_by_role("radio", name="Oui").focus()
        page.keyboard.press("Space")
        page.keyboard.press("ArrowRight")  # → Si nécessaire
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # the second slot: Oui
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")  # the third slot: Non
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        for label, choice in zip(labels, ["Si nécessaire", "Oui", "Non"], strict=True):
            page.get_by_role("group", name=label).get_by_label(choice, exact=True).check()
        page.get_by_role("button", name="Enregistrer mes réponses").click()
    page.wait_for_load_state()
    assert "Merci, vos réponses sont enregistrées." in page.content()
    page.screenshot(path=str(tmp_path / "sondage-375.png"), full_page=True)
    answers = dict(PollAnswer.objects.values_list("slot__starts_at", "choice"))
    assert [answers[slot.starts_at] for slot in slots] == ["if_need_be", "yes", "no"]
    if javascript:
        assert serious_violations(page) == []
    context.close()


def test_the_results_grid_has_no_serious_violation(browser, login_as, live_server, poll):
    slots = list(poll.slots.all())
    polls.datepoll_answer(
        participant=poll.participants.get(),
        choices={
            slot.pk: choice for slot, choice in zip(slots, ["yes", "if_need_be", "no"], strict=True)
        },
    )
    coordinator = coordinator_of(poll.table, username="coord@example.org")
    context = login_as(browser, coordinator, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/admin/meetings/datepoll/{poll.pk}/resultats/")
    assert page.get_by_role("columnheader", name=polls.slot_label(slots[0])).count() == 1
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/fr/admin/meetings/datepoll/{poll.pk}/change/")
    assert serious_violations(page) == []
    context.close()
