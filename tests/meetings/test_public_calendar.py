"""Meetings a table puts on the public calendar: date, title and place, never the online link."""

import html
from datetime import datetime, timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import EventFactory
from tests.meetings.world import MONTREAL

SECRET = "https://zoom.example/j/secret-123"


@pytest.fixture
def public_meeting(table_a):
    return Meeting.objects.create(
        table=table_a,
        title="Rencontre annuelle des partenaires",
        starts_at=datetime(2030, 2, 12, 13, 30, tzinfo=MONTREAL),
        mode=Meeting.Mode.HYBRID,
        location="Salle municipale, Berthierville",
        online_url=SECRET,
        agenda="1. Bilan confidentiel",
        is_public=True,
    )


@pytest.fixture
def private_meeting(table_a):
    return Meeting.objects.create(
        table=table_a,
        title="Comité restreint",
        starts_at=datetime(2030, 2, 13, 10, tzinfo=MONTREAL),
        online_url=SECRET,
    )


def _pages(table):
    return [
        reverse("events:list"),
        reverse("tables:table_events", args=[table.slug]),
        reverse("events:month", args=[2030, 2]),
        reverse("tables:table_events_month", args=[table.slug, 2030, 2]),
    ]


def test_a_public_meeting_is_listed_without_its_link_or_agenda(
    client, table_a, public_meeting, private_meeting
):
    EventFactory(table=table_a, title="Jeudi Immigration de février")
    for url in _pages(table_a):
        page = html.unescape(client.get(url).content.decode())
        assert "Rencontre annuelle des partenaires" in page, url
        assert "Jeudi Immigration de février" in page, url
        assert "zoom.example" not in page and "Bilan confidentiel" not in page, url
        assert "Comité restreint" not in page, url
        assert table_a.get_absolute_url() in page, url


def test_the_public_feeds_carry_the_meeting_without_the_link(
    client, table_a, public_meeting, private_meeting
):
    for url in (reverse("events_feed"), reverse("tables:table_feed", args=[table_a.slug])):
        response = client.get(url)
        assert b"zoom.example" not in response.content, url
        assert b"Bilan confidentiel" not in response.content, url
        events = {
            str(event["summary"]): event
            for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        }
        assert set(events) == {"Rencontre annuelle des partenaires"}, url
        event = events["Rencontre annuelle des partenaires"]
        assert event.decoded("dtstart") == datetime(2030, 2, 12, 13, 30, tzinfo=MONTREAL)
        assert str(event["location"]) == "Salle municipale, Berthierville"


def test_another_tables_page_and_filters_leave_the_meeting_out(client, table_b, public_meeting):
    page = client.get(reverse("tables:table_events", args=[table_b.slug])).content.decode()
    assert "Rencontre annuelle" not in page
    webinars = client.get(reverse("events:list") + "?type=webinar").content.decode()
    assert "Rencontre annuelle" not in webinars
    meetings = client.get(reverse("events:list") + "?type=meeting").content.decode()
    assert "Rencontre annuelle" in meetings


def test_events_and_meetings_share_the_pages_in_date_order(client, table_a):
    for day in range(1, 36):
        EventFactory(table=table_a, title=f"Événement {day:02}", start=_day(day))
    Meeting.objects.create(
        table=table_a, title="Rencontre du jour 3", starts_at=_day(3, hour=14), is_public=True
    )
    first = client.get(reverse("events:list")).content.decode()
    assert first.index("Événement 03") < first.index("Rencontre du jour 3")
    assert first.index("Rencontre du jour 3") < first.index("Événement 04")
    assert "Événement 30" not in first  # 30 items a page: 29 events and the meeting
    second = client.get(reverse("events:list") + "?page=2").content.decode()
    assert "Événement 30" in second and "Événement 35" in second


def _day(day, hour=10):
    return datetime(2030, 1, 1, hour, tzinfo=MONTREAL) + timedelta(days=day - 1)


def test_the_public_list_query_count_is_flat_with_ten_times_the_meetings(client, table_a):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("events:list"))
        return len(queries)

    for n in range(2):
        Meeting.objects.create(table=table_a, title=f"R{n}", starts_at=_day(n + 1), is_public=True)
    small = count()
    for n in range(2, 20):
        Meeting.objects.create(table=table_a, title=f"R{n}", starts_at=_day(n + 1), is_public=True)
    assert count() == small


@pytest.mark.parametrize("place", ["", "https://zoom.example/j/secret-123"])
def test_a_public_meeting_without_a_place_or_with_a_link_there_keeps_the_feeds_whole(
    client, table_a, place
):
    """An hybrid meeting with no place, or one whose place is a link (written before the place
    and the link had a field each), is in the feeds without any link."""
    Meeting.objects.create(
        table=table_a,
        title="Rencontre sans lieu",
        starts_at=datetime(2030, 3, 5, 10, tzinfo=MONTREAL),
        mode=Meeting.Mode.HYBRID,
        location=place,
        online_url=SECRET,
        is_public=True,
    )
    for url in (reverse("events_feed"), reverse("tables:table_feed", args=[table_a.slug])):
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = icalendar.Calendar.from_ical(response.content)
        (event,) = [e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("Rencontre")]
        assert "zoom.example" not in response.content.decode()
        assert "location" not in event


def test_a_link_is_refused_as_the_place_of_a_meeting(table_a):
    from django.core.exceptions import ValidationError

    meeting = Meeting(
        table=table_a,
        starts_at=datetime(2030, 3, 5, 10, tzinfo=MONTREAL),
        location="www.zoom.us/j/1",
    )
    with pytest.raises(ValidationError) as refused:
        meeting.full_clean()
    assert "Le lieu ne peut pas être un lien" in str(refused.value.message_dict["location"])
