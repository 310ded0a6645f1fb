"""Convening a meeting: who receives it, the invitation, and answering by the signed link."""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import convocations
from meetings.models import Attendance, Meeting
from tests.factories import CommitteeFactory, MembershipFactory, OrganisationFactory, PersonFactory

MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def committee_meeting(table_a):
    committee = CommitteeFactory(table=table_a, name="Comité de coordination")
    # Sits for its organisation on the committee (a named person).
    afl = OrganisationFactory(name="Action Famille Lavaltrie")
    lucie = PersonFactory(
        organisation=afl, first_name="Lucie", last_name="Mucha", email="lm@afl.example"
    )
    PersonFactory(organisation=afl, first_name="Rita", last_name="Doucet", email="rd@afl.example")
    MembershipFactory(table=table_a, committee=committee, organisation=afl, person=lucie)
    # A whole organisation on the committee: every person of it with an address.
    mrc = OrganisationFactory(name="MRC de D'Autray")
    PersonFactory(
        organisation=mrc, first_name="Jérémie", last_name="Lagacé", email="jl@mrc.example"
    )
    PersonFactory(organisation=mrc, first_name="Sans", last_name="Adresse", email="")
    MembershipFactory(table=table_a, committee=committee, organisation=mrc)
    # A member of the table only, and a member of another table's committee: not convened.
    MembershipFactory(
        table=table_a,
        organisation=PersonFactory(email="table@cje.example").organisation,
    )
    return Meeting.objects.create(
        table=table_a,
        committee=committee,
        starts_at=datetime(2030, 2, 6, 10, tzinfo=MONTREAL),
        ends_at=datetime(2030, 2, 6, 12, tzinfo=MONTREAL),
        location="Salle du conseil, Berthierville",
        online_url="https://zoom.example/j/123",
        agenda="1. Mot de bienvenue\n2. **Plan d'action** 2025",
    )


def test_a_convocation_reaches_the_committee_members_and_nobody_else(
    committee_meeting, coordinator_a
):
    other = CommitteeFactory()
    MembershipFactory(
        table=other.table,
        committee=other,
        organisation=PersonFactory(email="autre@table.example").organisation,
    )

    convocations.convene(committee_meeting)

    assert sorted(address for message in mail.outbox for address in message.to) == [
        "jl@mrc.example",
        "lm@afl.example",
    ]
    message = next(m for m in mail.outbox if m.to == ["lm@afl.example"])
    assert message.subject == (
        "Convocation : Comité de coordination, 6 février 2030, 10\u00a0h à 12\u00a0h"
    )
    assert "Bonjour Lucie Mucha," in message.body
    assert message.reply_to == [coordinator_a.email]  # a member's reply reaches the coordination
    assert "Salle du conseil, Berthierville" in message.body
    assert "https://zoom.example/j/123" in message.body
    assert "Plan d'action 2025" in message.body and "**" not in message.body
    committee_meeting.refresh_from_db()
    assert committee_meeting.convened_at is not None
    assert Attendance.objects.filter(meeting=committee_meeting).count() == 2


def test_the_invitation_parses_at_montreal_time(committee_meeting, settings):
    settings.DEFAULT_FROM_EMAIL = "Tables immigration <noreply@tables.example>"
    convocations.convene(committee_meeting)
    message = next(m for m in mail.outbox if m.to == ["lm@afl.example"])
    name, content, mimetype = message.attachments[-1]
    assert (name, mimetype) == ("invitation.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["method"] == "REQUEST"
    event = next(iter(calendar.walk("VEVENT")))
    start = event.decoded("dtstart")
    assert start == datetime(2030, 2, 6, 10, tzinfo=MONTREAL)
    assert event["dtstart"].params["TZID"] == "America/Montreal"
    assert str(event["attendee"]) == "mailto:lm@afl.example"
    assert str(event["organizer"]) == "mailto:noreply@tables.example"
    assert event["organizer"].params["cn"] == committee_meeting.table.name
    assert "zoom.example" in str(event["location"])


def test_convening_again_updates_the_calendar_event_and_keeps_answers(committee_meeting):
    convocations.convene(committee_meeting)
    attendance = Attendance.objects.get(email="lm@afl.example")
    convocations.answer(attendance, choice=Attendance.Answer.PRESENT)
    first = icalendar.Calendar.from_ical(_lucie(mail.outbox).attachments[-1][1])
    mail.outbox.clear()
    committee_meeting.starts_at += timedelta(days=1, minutes=1)
    committee_meeting.ends_at += timedelta(days=1, minutes=1)
    committee_meeting.save()

    convocations.convene(committee_meeting)

    again = icalendar.Calendar.from_ical(mail.outbox[0].attachments[-1][1])
    old, new = next(iter(first.walk("VEVENT"))), next(iter(again.walk("VEVENT")))
    assert old["uid"] == new["uid"]
    assert new["sequence"] > old["sequence"]
    assert Attendance.objects.get(email="lm@afl.example").answer == Attendance.Answer.PRESENT


def _lucie(outbox):
    return next(m for m in outbox if m.to == ["lm@afl.example"])


def _link(message):
    return next(line for line in message.body.splitlines() if "/reponse/" in line).strip()


def test_answering_by_the_link_works_once_without_an_account(client, committee_meeting):
    convocations.convene(committee_meeting)
    url = _link(_lucie(mail.outbox))
    path = url[url.index("/fr/") :]

    page = client.get(path)
    assert "Comité de coordination" in page.content.decode()
    assert "Je serai représenté·e" in page.content.decode()

    refused = client.post(path, {"answer": "represented"})
    assert "Indiquez qui vous représentera" in refused.content.decode()
    assert Attendance.objects.get(email="lm@afl.example").answered_at is None

    client.post(path, {"answer": "represented", "represented_by": "Rita Doucet"})
    attendance = Attendance.objects.get(email="lm@afl.example")
    assert (attendance.answer, attendance.represented_by) == ("represented", "Rita Doucet")

    again = client.post(path, {"answer": "absent"})
    assert "Votre réponse est enregistrée : Représenté" in again.content.decode()
    assert "Cette nouvelle réponse n'est pas prise en compte" in html.unescape(
        again.content.decode()
    )
    assert Attendance.objects.get(email="lm@afl.example").answer == "represented"


def test_a_tampered_link_is_refused_and_changes_nothing(client, committee_meeting):
    convocations.convene(committee_meeting)
    attendance = Attendance.objects.get(email="lm@afl.example")
    path = reverse("meetings:answer", kwargs={"token": f"{attendance.pk + 1}:forged:sig"})
    response = client.post(path, {"answer": "absent"})
    assert response.status_code == 404
    assert "Ce lien n'est pas valide" in html.unescape(response.content.decode())
    assert not Attendance.objects.filter(answered_at__isnull=False).exists()


def test_a_past_meeting_takes_no_more_answers(client, committee_meeting):
    convocations.convene(committee_meeting)
    Meeting.objects.filter(pk=committee_meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    path = _link(_lucie(mail.outbox))
    path = path[path.index("/fr/") :]
    response = client.post(path, {"answer": "absent"})
    assert response.status_code == 410
    assert "Cette rencontre a déjà eu lieu." in response.content.decode()
