"""A member's private calendar feed, and « Mes rencontres » on Mon espace."""

import html
from datetime import datetime, timedelta

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import convocations
from meetings.addresses import feed_path
from meetings.models import Attendance, Meeting
from partners.models import Person
from tests.factories import MembershipFactory, UserFactory
from tests.meetings.world import MONTREAL, committee_meeting_in


@pytest.fixture
def meeting(table_a):
    return committee_meeting_in(table_a)


@pytest.fixture
def lucie(meeting):
    return Person.objects.get(email="lm@afl.example")


def _feed_url(message):
    lines = message.body.splitlines()
    index = next(i for i, line in enumerate(lines) if "Toutes vos rencontres" in line)
    url = lines[index + 1].strip()
    return url[url.index("/fr/") :]


def _events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_convocation_gives_the_private_feed_which_lists_the_meeting(client, meeting):
    convocations.convene(meeting)
    message = next(m for m in mail.outbox if m.to == ["lm@afl.example"])
    assert "ne la partagez pas" in message.body

    response = client.get(_feed_url(message))

    (event,) = _events(response)
    assert event.decoded("dtstart") == datetime(2030, 2, 6, 10, tzinfo=MONTREAL)
    assert event["dtstart"].params["TZID"] == "America/Montreal"
    assert "https://zoom.example/j/123" in str(event["location"])
    assert "Plan d'action" in str(event["description"])
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_the_feed_lists_only_the_persons_meetings_from_90_days_ago(client, table_a, lucie):
    convocations.convene(Meeting.objects.get())
    recent = Meeting.objects.create(
        table=table_a, title="Bilan récent", starts_at=timezone.now() - timedelta(days=80)
    )
    old = Meeting.objects.create(
        table=table_a, title="Bilan ancien", starts_at=timezone.now() - timedelta(days=100)
    )
    other = Meeting.objects.create(table=table_a, title="Sans Lucie", starts_at=timezone.now())
    for past in (recent, old):
        Attendance.objects.create(meeting=past, person=lucie, name="Lucie", email=lucie.email)
    Attendance.objects.create(meeting=other, name="Autre", email="autre@example.org")

    summaries = [str(event["summary"]) for event in _events(client.get(feed_path(lucie)))]

    assert summaries == ["Bilan récent — Table A", "Comité de coordination — Table A"]


def test_a_forged_feed_address_is_404_and_lists_nothing(client, meeting, lucie):
    convocations.convene(meeting)
    genuine = feed_path(lucie)
    token = genuine.split("/agenda/")[1].removesuffix(".ics")
    forged = reverse("meetings:feed", kwargs={"token": f"{lucie.pk + 1}:{token.split(':', 1)[1]}"})

    for url in (forged, reverse("meetings:feed", kwargs={"token": "inconnu"})):
        response = client.get(url)
        assert response.status_code == 404
        body = html.unescape(response.content.decode())
        assert "Ce lien n'est pas valide" in body
        assert "BEGIN:VEVENT" not in body and meeting.name not in body


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _convened(person, table, count, first=0):
    for n in range(first, first + count):
        meeting = Meeting.objects.create(
            table=table,
            title=f"Rencontre {n}",
            starts_at=timezone.now() + timedelta(days=n + 1),
            online_url="https://zoom.example/j/1",
        )
        Attendance.objects.create(meeting=meeting, person=person, name="L", email=person.email)


def test_the_feed_query_count_is_flat_at_ten_times_the_meetings(client, table_a, lucie):
    _convened(lucie, table_a, 2)
    small, _ = _query_count(client, feed_path(lucie))
    _convened(lucie, table_a, 18, first=2)
    large, response = _query_count(client, feed_path(lucie))
    assert len(_events(response)) == 20
    assert large == small


@pytest.fixture
def lucie_logged_in(client, lucie):
    lucie.user = UserFactory(username="lm@afl.example")
    lucie.save()
    client.force_login(lucie.user)
    return lucie


def test_mon_espace_lists_my_upcoming_meetings_with_my_answer(client, meeting, lucie_logged_in):
    convocations.convene(meeting)
    attendance = Attendance.objects.get(email="lm@afl.example")
    convocations.answer(attendance, choice="represented", represented_by="Rita Doucet")
    Meeting.objects.create(
        table=meeting.table, title="Passée", starts_at=timezone.now() - timedelta(days=3)
    ).attendances.create(person=lucie_logged_in, name="L", email="lm@afl.example")

    page = html.unescape(client.get(reverse("dashboard")).content.decode())

    assert "Mes rencontres" in page
    assert "Comité de coordination" in page and "6 février 2030, 10\u00a0h à 12\u00a0h" in page
    assert "Représenté (Rita Doucet)" in page
    assert "Passée" not in page
    assert "S'abonner à mon agenda des rencontres" in page
    assert "/fr/rencontres/agenda/" in page
    assert 'href="webcal://testserver/fr/rencontres/agenda/' in page  # subscribes, not downloads


def test_mon_espace_offers_to_answer_a_pending_convocation(client, meeting, lucie_logged_in):
    convocations.convene(meeting)
    page = client.get(reverse("dashboard")).content.decode()
    assert "/fr/rencontres/reponse/" in page and "Répondre" in page


def test_an_account_without_a_person_has_no_meetings_section(client, coordinator_a):
    client.force_login(coordinator_a)
    assert "Mes rencontres" not in client.get(reverse("dashboard")).content.decode()


def test_mon_espace_meetings_query_count_is_flat(client, table_a, lucie_logged_in):
    MembershipFactory(table=table_a, organisation=lucie_logged_in.organisation)
    _convened(lucie_logged_in, table_a, 2)
    small, _ = _query_count(client, reverse("dashboard"))
    _convened(lucie_logged_in, table_a, 18, first=2)
    large, response = _query_count(client, reverse("dashboard"))
    assert "Rencontre 0" in response.content.decode()
    assert "Rencontre 19" in response.content.decode()
    assert large == small
