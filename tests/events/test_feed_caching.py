"""The subscription feed answers a repeat poll with a 304, writes what changed at once, and
serialises only the events that changed; the public pages answer 304 to a repeat request."""

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import feeds
from events.calendar import calendar_ics
from events.models import Event, EventSeries
from tests.factories import MONTREAL, EventFactory

pytestmark = pytest.mark.django_db

FEED = "/fr/evenements.ics"


@pytest.fixture
def events(table_a):
    series = EventSeries.objects.create(table=table_a, title="Jeudis Immigration", slug="jeudis")
    jeudis = [
        EventFactory(
            table=table_a,
            series=series,
            title="Jeudis Immigration",
            start=datetime(2031, month, 6, 10, tzinfo=MONTREAL),
            end=datetime(2031, month, 6, 11, tzinfo=MONTREAL),
        )
        for month in (2, 3, 4)
    ]
    singles = [
        EventFactory(table=table_a, title="Fête interculturelle", location="Parc des Chutes"),
        EventFactory(table=table_a, title="Café-rencontre", description="Ouvert ; à tous, ici"),
    ]
    return jeudis + singles


def vevents(content):
    return {
        str(component["uid"]): (
            str(component["summary"]),
            component.decoded("dtstart"),
            component.get("location"),
            component.get("description"),
            str(component["url"]),
        )
        for component in Calendar.from_ical(content).walk("VEVENT")
    }


def test_the_feed_holds_what_the_calendar_writer_writes(client, events):
    response = client.get(FEED)
    everything = Event.objects.public().select_related("table", "municipality", "series")

    def url_for(event):
        return f"http://testserver{event.get_absolute_url()}"

    expected = calendar_ics(list(everything), name="Tables immigration", url_for=url_for)
    assert vevents(response.content) == vevents(expected)
    assert len(vevents(response.content)) == 5  # each session of the series, two single events
    calendar = Calendar.from_ical(response.content)
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "America/Montreal"
    assert str(calendar["x-wr-calname"]) == "Tables immigration"


def test_a_repeat_poll_is_a_304_and_a_change_shows_at_once(client, events):
    first = client.get(FEED)
    assert first["Cache-Control"] == "public, max-age=60"
    assert client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    events[3].title = "Fête interculturelle d'été"
    events[3].save()
    changed = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    summaries = {summary for summary, *_ in vevents(changed.content).values()}
    assert "Fête interculturelle d'été" in summaries

    events[4].delete()
    gone = client.get(FEED, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert gone.status_code == 200
    assert "Café-rencontre" not in {summary for summary, *_ in vevents(gone.content).values()}

    events[0].is_public = False
    events[0].save()
    left = vevents(client.get(FEED).content)
    assert [summary for summary, *_ in left.values()].count("Jeudis Immigration") == 2
    assert len(left) == 3  # two sessions of the series, and the party


def test_a_changed_feed_serialises_only_what_changed(client, events, monkeypatch):
    client.get(FEED)
    serialised = []
    original = feeds.components

    def counting(events, url_for):
        serialised.append([event.title for event in events])
        return original(events, url_for)

    monkeypatch.setattr(feeds, "components", counting)
    events[3].title = "Fête des voisins"
    events[3].save()
    assert "Fête des voisins" in client.get(FEED).content.decode()
    assert [titles for titles in serialised if titles] == [["Fête des voisins"]]

    serialised.clear()
    events[0].location = "Salle du conseil"  # one session of the series: its VEVENT only
    events[0].save()
    assert "Salle du conseil" in client.get(FEED).content.decode()
    assert [titles for titles in serialised if titles] == [["Jeudis Immigration"]]


def test_a_table_feed_changes_with_its_table_only(client, events, table_a, table_b):
    url = f"/fr/tables/{table_a.slug}/evenements.ics"
    first = client.get(url)
    EventFactory(table=table_b, title="Ailleurs")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/fr/tables/inconnue/evenements.ics").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda table, event: reverse("home"),
        lambda table, event: table.get_absolute_url(),
        lambda table, event: reverse("events:list"),
        lambda table, event: reverse("events:month", args=[2031, 2]),
        lambda table, event: event.get_absolute_url(),
        lambda table, event: reverse("events:ics", args=[event.slug]),
        lambda table, event: reverse("directory"),
        lambda table, event: reverse("kits:list"),
    ],
)
def test_public_pages_answer_a_repeat_request_with_a_304(client, events, table_a, url):
    address = url(table_a, events[3])
    first = client.get(address)
    assert first.status_code == 200
    assert first.has_header("ETag")
    assert "Cookie" in first["Vary"]
    again = client.get(address, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_a_page_with_a_form_is_kept_by_the_browser_only(client, events, table_a):
    """The table's page holds the mailing list's form: its CSRF cookie is this visitor's."""
    page = client.get(table_a.get_absolute_url())
    assert page.cookies.get("csrftoken")
    assert page["Cache-Control"] == "private, max-age=0"


def test_a_logged_in_visitor_gets_private_pages(client, events, coordinator_a):
    client.force_login(coordinator_a)
    for address in (reverse("home"), FEED, reverse("events:list")):
        page = client.get(address)
        assert page.status_code == 200
        assert "private" in page["Cache-Control"] and not page.has_header("ETag")


def test_a_deleted_event_leaves_the_feed_even_for_a_client_asking_modified_since(client, events):
    first = client.get(FEED)
    assert "Last-Modified" not in first  # a deletion would not move it forward
    events[4].delete()
    again = client.get(FEED, HTTP_IF_MODIFIED_SINCE="Tue, 01 Jan 2036 00:00:00 GMT")
    assert again.status_code == 200
    assert "Café-rencontre" not in again.content.decode()


def test_an_events_own_file_is_the_same_file_until_the_event_changes(client, events):
    url = reverse("events:ics", args=[events[3].slug])
    first = client.get(url)
    assert first.status_code == 200
    later = timezone.now() + timedelta(minutes=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
