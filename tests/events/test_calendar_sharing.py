"""Adding events to a calendar: each session of a series stays its own event, and « S'abonner »
subscribes (webcal://) while « Télécharger (.ics) » downloads."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from events.models import EventSeries
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def sessions(table_a):
    series = EventSeries.objects.create(table=table_a, title="Jeudis Immigration", slug="jeudis")
    return [
        EventFactory(
            table=table_a,
            series=series,
            title="Jeudis Immigration",
            start=datetime(2031, month, 6, 10, tzinfo=MONTREAL),
            end=datetime(2031, month, 6, 11, tzinfo=MONTREAL),
            location=f"Salle {month}",
        )
        for month in (2, 3)
    ]


def _vevent(client, event):
    (vevent,) = Calendar.from_ical(
        client.get(reverse("events:ics", args=[event.slug])).content
    ).walk("VEVENT")
    return vevent


def test_two_sessions_files_add_two_events_to_a_calendar(client, sessions):
    first, second = (_vevent(client, session) for session in sessions)
    # A calendar keys events by UID (and RECURRENCE-ID): two sessions, two distinct events.
    assert (str(first["uid"]), first.get("recurrence-id")) != (
        str(second["uid"]),
        second.get("recurrence-id"),
    )
    assert first.decoded("dtstart") == datetime(2031, 2, 6, 10, tzinfo=MONTREAL)
    assert second.decoded("dtstart") == datetime(2031, 3, 6, 10, tzinfo=MONTREAL)
    assert (str(first["location"]), str(second["location"])) == ("Salle 2", "Salle 3")


def test_a_session_has_the_same_uid_in_its_file_and_in_the_feeds(client, sessions, table_a):
    own = {str(_vevent(client, session)["uid"]) for session in sessions}
    for feed in ("/fr/evenements.ics", f"/fr/tables/{table_a.slug}/evenements.ics"):
        vevents = Calendar.from_ical(client.get(feed).content).walk("VEVENT")
        assert {str(vevent["uid"]) for vevent in vevents} == own
        assert not any("recurrence-id" in vevent or "rdate" in vevent for vevent in vevents)


def test_subscribe_links_are_webcal_on_the_request_host_beside_a_download(
    client, table_a, settings
):
    settings.ALLOWED_HOSTS = ["portail.tables.example"]
    for page, feed in [
        ("/fr/evenements/", "/fr/evenements.ics"),
        (f"/fr/tables/{table_a.slug}/evenements/", f"/fr/tables/{table_a.slug}/evenements.ics"),
        (f"/fr/tables/{table_a.slug}/", f"/fr/tables/{table_a.slug}/evenements.ics"),
    ]:
        html = client.get(page, HTTP_HOST="portail.tables.example").content.decode()
        assert f'href="webcal://portail.tables.example{feed}">S\'abonner au calendrier<' in html, (
            page
        )
        assert f'href="{feed}" download>Télécharger (.ics)</a>' in html, page
