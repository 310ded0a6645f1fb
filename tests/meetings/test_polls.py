"""Date polls: sending to the members, answering by the signed link, the grid, choosing a slot."""

import html
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import polls
from meetings.models import Attendance, DatePoll, Meeting, PollAnswer, PollParticipant, PollSlot
from partners.models import Organisation
from portal import demo
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    coordinator_of,
)

MONTREAL = ZoneInfo("America/Montreal")
YES, MAYBE, NO = "yes", "if_need_be", "no"


def _at(day, hour, minute=0):
    return datetime.combine(day, datetime.min.time(), MONTREAL).replace(hour=hour, minute=minute)


@pytest.fixture
def poll(table_a, coordinator_a):
    """A poll of table A's coordination committee, three slots, open for two more weeks."""
    committee = CommitteeFactory(table=table_a, name="Comité de coordination")
    afl = OrganisationFactory(name="Action Famille Lavaltrie")
    lucie = PersonFactory(
        organisation=afl, first_name="Lucie", last_name="Mucha", email="lm@afl.example"
    )
    PersonFactory(organisation=afl, first_name="Rita", last_name="Doucet", email="rd@afl.example")
    MembershipFactory(table=table_a, committee=committee, organisation=afl, person=lucie)
    mrc = OrganisationFactory(name="MRC de D'Autray")
    PersonFactory(
        organisation=mrc, first_name="Jérémie", last_name="Lagacé", email="jl@mrc.example"
    )
    PersonFactory(organisation=mrc, first_name="Anne", last_name="Beaulieu", email="ab@mrc.example")
    MembershipFactory(table=table_a, committee=committee, organisation=mrc)
    # A member of the table only (not of the committee): not asked.
    MembershipFactory(
        table=table_a, organisation=PersonFactory(email="table@cje.example").organisation
    )
    poll = DatePoll.objects.create(
        table=table_a,
        committee=committee,
        title="Rencontre du comité de coordination",
        description="Nous préparons la rencontre d'avril.",
        closes_on=timezone.localdate() + timedelta(days=14),
        created_by=coordinator_a,
    )
    soon = timezone.localdate() + timedelta(days=30)
    for offset in range(3):
        day = soon + timedelta(days=offset)
        PollSlot.objects.create(poll=poll, starts_at=_at(day, 10), ends_at=_at(day, 12))
    return poll


def _path(message):
    url = next(line for line in message.body.splitlines() if "/sondage/" in line).strip()
    return url[url.index("/fr/") :]


def _to(address):
    return next(m for m in mail.outbox if m.to == [address])


def test_the_poll_reaches_the_committee_members_only_and_once(poll):
    other = CommitteeFactory()
    MembershipFactory(
        table=other.table,
        committee=other,
        organisation=PersonFactory(email="autre@table.example").organisation,
    )

    sent = polls.datepoll_send(poll=poll)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "ab@mrc.example",
        "jl@mrc.example",
        "lm@afl.example",
    ]
    assert len(sent) == 3 and all(len(m.to) == 1 for m in mail.outbox)
    message = _to("lm@afl.example")
    assert message.subject.startswith(
        "Sondage de dates : Rencontre du comité de coordination, répondez d'ici le "
    )
    assert "Bonjour Lucie Mucha," in message.body
    assert "Nous préparons la rencontre d'avril." in message.body
    first = timezone.localtime(poll.slots.first().starts_at)
    assert polls.slot_label(poll.slots.first()) in message.body
    assert f"{first.day} " in polls.slot_label(poll.slots.first())
    assert "10\u00a0h à 12\u00a0h" in message.body
    assert PollParticipant.objects.get(email="lm@afl.example").name == "Lucie Mucha"

    # Sending again reaches only a member added since.
    mail.outbox.clear()
    PersonFactory(
        organisation=Organisation.objects.get(name="MRC de D'Autray"),
        first_name="Nouveau",
        last_name="Membre",
        email="nm@mrc.example",
    )
    again = polls.datepoll_send(poll=poll)
    assert [p.email for p in again] == ["nm@mrc.example"]
    assert [m.to for m in mail.outbox] == [["nm@mrc.example"]]
    assert poll.participants.count() == 4


def test_the_slot_label_says_the_weekday_in_montreal_time():
    slot = PollSlot(
        starts_at=datetime(2025, 2, 6, 15, tzinfo=ZoneInfo("UTC")),
        ends_at=datetime(2025, 2, 6, 17, tzinfo=ZoneInfo("UTC")),
    )
    assert polls.slot_label(slot) == "jeudi 6 février 2025, 10\u00a0h à 12\u00a0h"


def _answer_all(poll, grid):
    """``grid``: {email: [choice per slot]} given through the service."""
    slots = list(poll.slots.order_by("starts_at"))
    for email, choices in grid.items():
        participant = poll.participants.get(email=email)
        polls.datepoll_answer(
            participant=participant,
            choices={slot.pk: c for slot, c in zip(slots, choices, strict=True)},
        )
    return slots


def test_the_grid_counts_and_finds_the_best_slot(poll):
    polls.datepoll_send(poll=poll)
    _answer_all(
        poll,
        {
            "lm@afl.example": [YES, MAYBE, NO],
            "jl@mrc.example": [NO, YES, YES],
            "ab@mrc.example": [MAYBE, YES, MAYBE],
        },
    )
    # Anne changes her mind: the last answer counts.
    _answer_all(poll, {"ab@mrc.example": [NO, YES, MAYBE]})
    PollParticipant.objects.create(poll=poll, name="Sans Réponse", email="sr@example.org")

    results = polls.poll_results(poll)

    counts = [(r.yes, r.if_need_be, r.no, r.no_answer) for r in results.slots]
    assert counts == [(1, 0, 2, 1), (2, 1, 0, 1), (1, 1, 1, 1)]
    assert [r.best for r in results.slots] == [False, True, False]
    assert [p.name for p in results.not_answered] == ["Sans Réponse"]
    lucie = next(row for row in results.rows if row.participant.email == "lm@afl.example")
    assert lucie.cells == [YES, MAYBE, NO]


def test_with_equal_yes_the_best_has_more_if_need_be(poll):
    polls.datepoll_send(poll=poll)
    _answer_all(
        poll,
        {
            "lm@afl.example": [YES, YES, NO],
            "jl@mrc.example": [NO, MAYBE, YES],
            "ab@mrc.example": [YES, YES, NO],
        },
    )
    assert [r.best for r in polls.poll_results(poll).slots] == [False, True, False]


def test_answering_by_the_link_without_an_account_and_changing_it(client, poll):
    polls.datepoll_send(poll=poll)
    path = _path(_to("jl@mrc.example"))
    slots = list(poll.slots.order_by("starts_at"))

    page = client.get(path).content.decode()
    assert "Bonjour Jérémie Lagacé," in page
    assert page.count("<fieldset") == 3 and page.count("<legend>") == 3
    assert f"<legend>{polls.slot_label(slots[0])}</legend>" in html.unescape(page)
    assert "Si nécessaire" in page

    incomplete = client.post(path, {f"slot_{slots[0].pk}": YES})
    assert incomplete.status_code == 400
    assert "Choisissez oui, si nécessaire ou non." in incomplete.content.decode()
    assert not PollAnswer.objects.exists()

    answered = client.post(
        path, {f"slot_{s.pk}": c for s, c in zip(slots, [YES, MAYBE, NO], strict=True)}
    )
    assert answered.status_code == 302
    shown = client.get(path).content.decode()
    assert "Merci, vos réponses sont enregistrées." in shown
    assert re.search(
        rf'<input [^>]*value="{MAYBE}" id="id_slot_{slots[1].pk}_1"[^>]* checked>', shown
    )

    client.post(path, {f"slot_{s.pk}": NO for s in slots})
    participant = PollParticipant.objects.get(email="jl@mrc.example")
    assert sorted(participant.answers.values_list("choice", flat=True)) == [NO, NO, NO]
    assert participant.answered_at is not None


def test_an_expired_poll_refuses_answers_and_changes_nothing(client, poll):
    polls.datepoll_send(poll=poll)
    slots = list(poll.slots.all())
    path = _path(_to("jl@mrc.example"))
    client.post(path, {f"slot_{s.pk}": YES for s in slots})
    DatePoll.objects.filter(pk=poll.pk).update(closes_on=timezone.localdate() - timedelta(days=1))

    response = client.post(path, {f"slot_{s.pk}": NO for s in slots})

    assert response.status_code == 410
    text = html.unescape(response.content.decode())
    assert "Le sondage est fermé : votre réponse n'a pas été enregistrée." in text
    assert "Le sondage est fermé depuis le" in text
    assert '<form method="post" class="stacked-form poll-form"' not in text
    assert set(PollAnswer.objects.values_list("choice", flat=True)) == {YES}
    with pytest.raises(polls.PollClosed):
        polls.datepoll_answer(
            participant=PollParticipant.objects.get(email="jl@mrc.example"),
            choices={slots[0].pk: NO},
        )


def test_the_closing_day_itself_still_takes_answers(client, poll):
    polls.datepoll_send(poll=poll)
    DatePoll.objects.filter(pk=poll.pk).update(closes_on=timezone.localdate())
    slots = list(poll.slots.all())
    client.post(_path(_to("jl@mrc.example")), {f"slot_{s.pk}": YES for s in slots})
    assert PollAnswer.objects.count() == 3


def test_a_tampered_link_is_refused_and_changes_nothing(client, poll):
    polls.datepoll_send(poll=poll)
    participant = PollParticipant.objects.get(email="jl@mrc.example")
    token = polls.links.make(polls.POLL, participant.pk)
    forged = token.replace(f"{participant.pk}:", f"{participant.pk + 1}:", 1)
    slots = list(poll.slots.all())
    for bad in (forged, token[:-2] + "xx", polls.links.make("meetings.attendance", participant.pk)):
        path = reverse("meetings:poll_answer", kwargs={"token": bad})
        response = client.post(path, {f"slot_{s.pk}": YES for s in slots})
        assert response.status_code == 404
        assert "Ce lien n'est pas valide" in html.unescape(response.content.decode())
    assert not PollAnswer.objects.exists()


def test_choosing_a_slot_creates_the_meeting_and_convenes_at_montreal_time(poll):
    """A slot in March after the switch to daylight saving time (EDT, UTC-4)."""
    polls.datepoll_send(poll=poll)
    mail.outbox.clear()
    march = PollSlot.objects.create(
        poll=poll, starts_at=_at(date(2031, 3, 20), 9, 30), ends_at=_at(date(2031, 3, 20), 11, 30)
    )
    assert march.starts_at.utcoffset() == timedelta(hours=-4)

    meeting = polls.datepoll_choose(poll=poll, slot=march)

    meeting.refresh_from_db()
    poll.refresh_from_db()
    assert poll.meeting == meeting
    assert (meeting.table, meeting.committee, meeting.title) == (
        poll.table,
        poll.committee,
        "Rencontre du comité de coordination",
    )
    assert timezone.localtime(meeting.starts_at) == datetime(2031, 3, 20, 9, 30, tzinfo=MONTREAL)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ab@mrc.example",
        "jl@mrc.example",
        "lm@afl.example",
    ]
    message = _to("lm@afl.example")
    assert "20 mars 2031, 9\u00a0h\u00a030 à 11\u00a0h\u00a030" in message.subject
    name, content, mimetype = message.attachments[-1]
    assert (name, mimetype) == ("invitation.ics", "text/calendar")
    event = next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))
    assert event.decoded("dtstart") == datetime(2031, 3, 20, 9, 30, tzinfo=MONTREAL)
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=-4)
    assert event["dtstart"].params["TZID"] == "America/Montreal"
    assert event.decoded("dtend") == datetime(2031, 3, 20, 11, 30, tzinfo=MONTREAL)

    with pytest.raises(polls.SlotAlreadyChosen):
        polls.datepoll_choose(poll=poll, slot=poll.slots.first())
    assert Meeting.objects.count() == 1


def test_once_a_slot_is_chosen_the_answer_page_says_so(client, poll):
    polls.datepoll_send(poll=poll)
    path = _path(_to("jl@mrc.example"))
    slot = poll.slots.order_by("starts_at").last()
    polls.datepoll_choose(poll=poll, slot=slot)

    page = client.get(path)
    text = html.unescape(page.content.decode())
    assert "Le sondage est fermé : la date retenue est le " + polls.slot_label(slot) in text
    response = client.post(path, {f"slot_{s.pk}": YES for s in poll.slots.all()})
    assert response.status_code == 410
    assert not PollAnswer.objects.exists()


def test_sending_is_refused_without_slots_or_once_closed(poll):
    empty = DatePoll.objects.create(
        table=poll.table, title="Vide", closes_on=timezone.localdate() + timedelta(days=3)
    )
    with pytest.raises(polls.NothingToSend):
        polls.datepoll_send(poll=empty)
    DatePoll.objects.filter(pk=poll.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(polls.NothingToSend):
        polls.datepoll_send(poll=poll)
    assert not mail.outbox and not PollParticipant.objects.exists()


# --- The admin: the coordinator's pages ---------------------------------------------------------


def _admin(name, poll, *args):
    return reverse(f"admin:meetings_datepoll_{name}", args=[poll.pk, *args])


def test_the_coordinator_creates_a_poll_with_slots_in_montreal_time(client, table_a):
    coordinator = coordinator_of(table_a, username="c@example.org")
    client.force_login(coordinator)
    data = {
        "table": table_a.pk,
        "committee": "",
        "title": "Rencontre de la table",
        "description": "",
        "closes_on": "2031-02-20",
        "slots-TOTAL_FORMS": "3",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
        "slots-0-day": "2031-03-06",  # before the switch: EST
        "slots-0-start": "10:00",
        "slots-0-end": "12:00",
        "slots-1-day": "2031-03-13",  # after: EDT
        "slots-1-start": "13:30",
        "slots-1-end": "15:30",
        "slots-2-day": "",
        "slots-2-start": "",
        "slots-2-end": "",
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:meetings_datepoll_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    poll = DatePoll.objects.get()
    assert poll.created_by == coordinator
    starts = [timezone.localtime(s.starts_at) for s in poll.slots.order_by("starts_at")]
    assert starts == [
        datetime(2031, 3, 6, 10, tzinfo=MONTREAL),
        datetime(2031, 3, 13, 13, 30, tzinfo=MONTREAL),
    ]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=-5), timedelta(hours=-4)]

    page = client.get(reverse("admin:meetings_datepoll_change", args=[poll.pk])).content.decode()
    assert 'value="13:30"' in page and 'value="2031-03-13"' in page
    assert "Envoyer le sondage" in page and "Résultats" in page

    bad = dict(
        data, **{"slots-2-day": "2031-03-13", "slots-2-start": "16:00", "slots-2-end": "15:00"}
    )
    bad["title"] = "Autre"
    refused = client.post(reverse("admin:meetings_datepoll_add"), bad)
    assert "La fin doit suivre le début." in html.unescape(refused.content.decode())
    assert DatePoll.objects.count() == 1


def test_send_page_lists_the_members_then_sends(client, poll, coordinator_a):
    client.force_login(coordinator_a)
    page = client.get(_admin("send", poll)).content.decode()
    assert "3 destinataires" in page
    for name in ("Lucie Mucha", "Jérémie Lagacé", "Anne Beaulieu"):
        assert name in html.unescape(page)
    assert "table@cje.example" not in page
    assert not mail.outbox

    response = client.post(_admin("send", poll), follow=True)
    assert "Le sondage est envoyé à 3 membres." in html.unescape(response.content.decode())
    assert len(mail.outbox) == 3

    again = client.post(_admin("send", poll), follow=True)
    assert "Tous les membres ont déjà reçu ce sondage" in html.unescape(again.content.decode())
    assert len(mail.outbox) == 3


def test_results_page_and_choosing_from_it(client, poll, coordinator_a):
    polls.datepoll_send(poll=poll)
    slots = _answer_all(
        poll,
        {
            "lm@afl.example": [YES, MAYBE, NO],
            "jl@mrc.example": [NO, YES, YES],
        },
    )
    client.force_login(coordinator_a)
    page = html.unescape(client.get(_admin("results", poll)).content.decode())
    assert '<th scope="col">Participant</th>' in page
    assert '<th scope="row">Lucie Mucha</th>' in page
    assert '<span aria-hidden="true">(✓)</span> Si nécessaire' in page
    assert "★ Meilleur créneau" in page
    assert "Meilleurs créneaux" in page and polls.slot_label(slots[1]) in page
    assert "N'ont pas encore répondu" in page and "Anne Beaulieu (ab@mrc.example)" in page
    assert _admin("choose", poll, slots[1].pk) in page

    confirm = html.unescape(client.get(_admin("choose", poll, slots[1].pk)).content.decode())
    assert "3 membres convoqués" in confirm
    assert not Meeting.objects.exists()

    mail.outbox.clear()
    refused = client.post(
        _admin("choose", poll, slots[1].pk), {"mode": "hybrid", "location": "https://zoom.us/j/1"}
    )
    assert "Le lieu ne peut pas être un lien" in html.unescape(refused.content.decode())
    assert not Meeting.objects.exists() and mail.outbox == []

    response = client.post(
        _admin("choose", poll, slots[1].pk),
        {
            "mode": "hybrid",
            "location": "Salle du conseil, Berthierville",
            "online_url": "https://zoom.example/j/123",
            "agenda": "1. Bilan",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("admin:meetings_meeting_change", args=[meeting.pk])
    assert meeting.starts_at == slots[1].starts_at
    assert (meeting.location, meeting.online_url) == (
        "Salle du conseil, Berthierville",
        "https://zoom.example/j/123",
    )
    assert len(mail.outbox) == 3 and Attendance.objects.filter(meeting=meeting).count() == 3
    assert "Salle du conseil, Berthierville" in mail.outbox[0].body
    assert "https://zoom.example/j/123" in mail.outbox[0].body

    twice = client.post(_admin("choose", poll, slots[0].pk), {"mode": "virtual"}, follow=True)
    assert "Un créneau est déjà choisi pour ce sondage" in html.unescape(twice.content.decode())
    assert Meeting.objects.count() == 1 and len(mail.outbox) == 3
    after = client.get(_admin("results", poll)).content.decode()
    assert "Choisir ce créneau" not in after and "Créneau choisi" in html.unescape(after)


def test_the_ministry_reads_results_but_cannot_send_or_choose(client, poll, ministry):
    polls.datepoll_send(poll=poll)
    mail.outbox.clear()
    client.force_login(ministry)
    page = client.get(_admin("results", poll))
    assert page.status_code == 200 and "Choisir ce créneau" not in page.content.decode()
    slot = poll.slots.first()
    for url in (_admin("send", poll), _admin("choose", poll, slot.pk)):
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert not mail.outbox and not Meeting.objects.exists()
    change = client.get(reverse("admin:meetings_datepoll_change", args=[poll.pk]))
    assert "Envoyer le sondage" not in change.content.decode()


def test_another_tables_coordinator_gets_404(client, poll, table_b):
    client.force_login(coordinator_of(table_b, username="b@example.org"))
    slot = poll.slots.first()
    for url in (_admin("results", poll), _admin("send", poll), _admin("choose", poll, slot.pk)):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not mail.outbox and not Meeting.objects.exists()
    assert not PollParticipant.objects.exists()


# --- Query budgets: flat when participants and slots grow tenfold -------------------------------


def _grow(poll, *, participants, slots):
    """``slots`` slots and ``participants`` participants, each having answered every slot."""
    start = timezone.localdate() + timedelta(days=60)
    existing = poll.slots.count()
    for n in range(existing, slots):
        day = start + timedelta(days=n)
        PollSlot.objects.create(poll=poll, starts_at=_at(day, 9), ends_at=_at(day, 11))
    existing = poll.participants.count()
    for n in range(existing, participants):
        participant = PollParticipant.objects.create(
            poll=poll, name=f"Membre {n:03d}", email=f"membre{n}@example.org"
        )
        choices = (YES, MAYBE, NO)
        polls.datepoll_answer(
            participant=participant,
            choices={slot.pk: choices[(slot.pk + n) % 3] for slot in poll.slots.all()},
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_results_grid_keeps_a_flat_query_count(client, poll, coordinator_a):
    client.force_login(coordinator_a)
    _grow(poll, participants=3, slots=3)
    small, page = _count(client, _admin("results", poll))
    assert page.count('<th scope="row">Membre') == 3
    _grow(poll, participants=30, slots=30)
    large, page = _count(client, _admin("results", poll))
    assert page.count('<th scope="row">Membre') == 30
    assert large == small


def test_the_answer_page_keeps_a_flat_query_count(client, poll):
    polls.datepoll_send(poll=poll)
    path = _path(_to("jl@mrc.example"))
    jeremie = poll.participants.get(email="jl@mrc.example")
    polls.datepoll_answer(participant=jeremie, choices={s.pk: YES for s in poll.slots.all()})
    _grow(poll, participants=6, slots=3)
    small, page = _count(client, path)
    assert page.count("<fieldset") == 3
    _grow(poll, participants=60, slots=30)
    polls.datepoll_answer(participant=jeremie, choices={s.pk: NO for s in poll.slots.all()})
    large, page = _count(client, path)
    assert page.count("<fieldset") == 30
    assert large == small
    slots = list(poll.slots.all())
    with CaptureQueriesContext(connection) as few:
        client.post(
            path,
            {f"slot_{s.pk}": MAYBE for s in slots[:3]} | {f"slot_{s.pk}": YES for s in slots[3:]},
        )
    assert len(few) < 20
    assert jeremie.answers.filter(choice=YES).count() == 27


def test_the_demo_poll_is_open_with_three_slots_and_some_answers(db):
    demo.load_geography()
    demo.load_partners()
    poll = demo.load_date_poll()
    assert demo.load_date_poll() == poll and DatePoll.objects.count() == 1
    assert poll.table.slug == "table-immigration-d-autray" and polls.poll_is_open(poll)
    results = polls.poll_results(poll)
    assert len(results.slots) == 3 and all(s.slot.starts_at > timezone.now() for s in results.slots)
    assert [(r.yes, r.if_need_be, r.no, r.no_answer) for r in results.slots] == [
        (2, 0, 1, 1),
        (2, 1, 0, 1),
        (1, 1, 1, 1),
    ]
    assert all(p.email.endswith(".example") for p in poll.participants.all())


def test_a_slot_that_has_begun_cannot_be_chosen(poll):
    polls.datepoll_send(poll=poll)
    mail.outbox.clear()
    yesterday = timezone.localdate() - timedelta(days=1)
    past = PollSlot.objects.create(
        poll=poll, starts_at=_at(yesterday, 10), ends_at=_at(yesterday, 12)
    )
    with pytest.raises(polls.SlotInThePast):
        polls.datepoll_choose(poll=poll, slot=past)
    poll.refresh_from_db()
    assert poll.meeting is None
    assert not Meeting.objects.exists()
    assert mail.outbox == []
