"""The coordinator's pages (preview, sending, announcing an event) and the public archive."""

import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mailing import services
from mailing.links import unsubscribe_url
from mailing.models import Message, Subscriber
from tests.factories import CommitteeFactory, EventFactory, MunicipalityFactory

MONTREAL = ZoneInfo("America/Montreal")


def _text(response):
    return html.unescape(response.content.decode())


def _sent(table, n, **fields):
    return Message.objects.create(
        table=table,
        subject=f"Nouvelles {n}",
        body=f"Texte **{n}**",
        status=Message.Status.SENT,
        sent_at=timezone.now(),
        **fields,
    )


def test_the_archive_shows_whole_list_messages_only(client, table_a, table_b):
    public = _sent(table_a, 1)
    segment = _sent(
        table_a,
        2,
        segment=Message.Segment.COMMITTEE,
        committee=CommitteeFactory(table=table_a),
    )
    draft = Message.objects.create(table=table_a, subject="Brouillon", body="…")
    other = _sent(table_b, 3)

    page = _text(client.get(reverse("mailing:archive", args=[table_a.slug])))
    assert "Nouvelles 1" in page
    assert "Nouvelles 2" not in page and "Brouillon" not in page and "Nouvelles 3" not in page

    detail = client.get(reverse("mailing:archive_detail", args=[table_a.slug, public.pk]))
    assert "<strong>1</strong>" in detail.content.decode()
    for hidden in (segment, draft, other):
        url = reverse("mailing:archive_detail", args=[table_a.slug, hidden.pk])
        assert client.get(url).status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_archive_pages_keep_a_flat_query_count(client, table_a):
    first = _sent(table_a, 0)
    archive = reverse("mailing:archive", args=[table_a.slug])
    detail = reverse("mailing:archive_detail", args=[table_a.slug, first.pk])
    before = (_count(client, archive), _count(client, detail))
    for n in range(1, 10):
        _sent(table_a, n)
    assert (_count(client, archive), _count(client, detail)) == before


def test_the_progress_page_keeps_a_flat_query_count(client, table_a, coordinator_a, subscribe):
    client.force_login(coordinator_a)
    subscribe(table_a, "a0@example.org")
    message = Message.objects.create(table=table_a, subject="Objet", body="Texte")
    services.message_queue(message=message, by=coordinator_a)
    url = reverse("admin:mailing_message_change", args=[message.pk])
    _count(client, url)  # the first page of a session reads it once
    before = _count(client, url)
    for n in range(1, 10):
        subscribe(table_a, f"a{n}@example.org")
    other = Message.objects.create(table=table_a, subject="Objet 2", body="Texte")
    services.message_queue(message=other, by=coordinator_a)
    assert _count(client, reverse("admin:mailing_message_change", args=[other.pk])) == before


def test_the_preview_shows_the_message_as_received(client, table_a, coordinator_a, subscribe):
    real = subscribe(table_a, "a@example.org")
    message = Message.objects.create(table=table_a, subject="Objet", body="Un **mot**.")
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:mailing_message_preview", args=[message.pk]))
    text = _text(page)
    assert "<strong>mot</strong>" in text and "1 abonné (Toute la liste)" in text
    assert "Pour ne plus rien recevoir" in text
    # The sample's link, never a real subscriber's: clicking it unsubscribes nobody.
    assert unsubscribe_url(real).split("/fr/")[-1] not in text
    assert mail.outbox == []


def test_an_address_that_unsubscribed_is_never_deleted(client, table_a, coordinator_a, subscribe):
    kept = subscribe(table_a, "parti@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    bounced = subscribe(table_a, "erreur@example.org", status=Subscriber.Status.BOUNCED)
    active = subscribe(table_a, "actif@example.org")
    client.force_login(coordinator_a)
    for subscriber in (kept, bounced):
        url = reverse("admin:mailing_subscriber_delete", args=[subscriber.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert (
        client.post(
            reverse("admin:mailing_subscriber_delete", args=[active.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "parti@example.org",
        "erreur@example.org",
    }


def test_another_tables_coordinator_and_the_ministry_cannot_send(
    client, table_a, table_b, ministry, subscribe
):
    from tests.factories import coordinator_of

    subscribe(table_a, "a@example.org")
    message = Message.objects.create(table=table_a, subject="Objet", body="Texte")
    url = reverse("admin:mailing_message_send", args=[message.pk])
    client.force_login(coordinator_of(table_b, username="coord-b@example.org"))
    assert client.post(url, {"recipients": 1}).status_code == 404
    client.force_login(ministry)
    assert client.post(url, {"recipients": 1}).status_code == 403
    message.refresh_from_db()
    assert message.status == "draft" and mail.outbox == []


def test_sending_again_from_the_page_is_refused(client, table_a, coordinator_a, subscribe):
    subscribe(table_a, "a@example.org")
    message = Message.objects.create(table=table_a, subject="Objet", body="Texte")
    client.force_login(coordinator_a)
    url = reverse("admin:mailing_message_send", args=[message.pk])
    client.post(url, {"recipients": 1})
    assert len(mail.outbox) == 1
    again = client.post(url, {"recipients": 1}, follow=True)
    assert "Ce message a déjà été envoyé : il ne part qu'une fois." in _text(again)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("public", [True, False])
def test_announcing_an_event_prefills_a_draft_without_the_online_link(
    client, table_a, coordinator_a, public
):
    event = EventFactory(
        table=table_a,
        title="Jeudi Immigration : le logement",
        slug="jeudi-logement",
        start=datetime(2030, 2, 6, 10, tzinfo=MONTREAL),
        end=datetime(2030, 2, 6, 11, 30, tzinfo=MONTREAL),
        location="Salle municipale",
        municipality=MunicipalityFactory(name="Berthierville"),
        online_url="https://zoom.example/j/secret",
        description="Une heure pour comprendre le marché locatif.",
        is_public=public,
    )
    client.force_login(coordinator_a)
    change = client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert "Annoncer à la liste d'envoi" in _text(change)

    response = client.post(reverse("admin:mailing_message_announce", args=[event.pk]))

    message = Message.objects.get()
    assert response["Location"] == reverse("admin:mailing_message_change", args=[message.pk])
    assert (message.status, message.event, message.table) == ("draft", event, table_a)
    assert message.subject == "Invitation : Jeudi Immigration : le logement, 6 février 2030"
    assert "6 février 2030, 10\u00a0h à 11\u00a0h\u00a030" in message.body
    assert "Salle municipale, Berthierville" in message.body
    assert "zoom.example" not in message.body
    assert ("/fr/evenements/jeudi-logement/" in message.body) is public


def test_the_ministry_cannot_announce(client, table_a, ministry):
    event = EventFactory(table=table_a)
    client.force_login(ministry)
    response = client.post(reverse("admin:mailing_message_announce", args=[event.pk]))
    assert response.status_code == 403
    assert not Message.objects.exists()
