"""Sending a message: exactly its segment, never an address that did not consent, with the
List-Unsubscribe headers and a working unsubscribe link; by batches in the worker."""

import html

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_tasks import default_task_backend

from common.mail import deliver_email
from mailing import sending, services
from mailing.models import Delivery, Message, Subscriber
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
)

S = Subscriber.Status


def _path(url):
    return url[url.index("/fr/") :]


def _unsubscribe_url(message):
    header = message.extra_headers["List-Unsubscribe"]
    return header.split(">", 1)[0].lstrip("<")


@pytest.fixture
def listed(table_a, table_b, subscribe):
    committee = CommitteeFactory(table=table_a, name="Comité des élus")
    elected = OrganisationFactory(name="MRC de D'Autray", kind="mrc")
    MembershipFactory(table=table_a, committee=committee, organisation=elected)
    reception = OrganisationFactory(name="Accueil", kind="reception")
    return {
        "committee": committee,
        "elected": subscribe(table_a, "maire@mrc.example", organisation=elected),
        "elected_gone": subscribe(
            table_a, "ancien@mrc.example", S.UNSUBSCRIBED, organisation=elected
        ),
        "elected_pending": subscribe(
            table_a, "attente@mrc.example", S.PENDING, organisation=elected
        ),
        "elected_bounced": subscribe(
            table_a, "erreur@mrc.example", S.BOUNCED, organisation=elected
        ),
        "reception": subscribe(table_a, "info@accueil.example", organisation=reception),
        "loose": subscribe(table_a, "citoyenne@example.org"),
        "other_table": subscribe(table_b, "autre@table-b.example", organisation=elected),
    }


def _message(table, **fields):
    return Message.objects.create(
        table=table, subject="Jeudi Immigration de mars", body="Bonjour **à tous**.", **fields
    )


def _sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_committee_message_reaches_exactly_its_subscribed_members(table_a, listed):
    message = _message(table_a, segment=Message.Segment.COMMITTEE, committee=listed["committee"])

    services.message_queue(message=message, by=None)

    assert _sent_to() == ["maire@mrc.example"]
    message.refresh_from_db()
    assert (message.status, message.recipients_count, message.sent_count) == ("sent", 1, 1)


def test_a_message_to_the_whole_list_skips_pending_unsubscribed_and_bounced(table_a, listed):
    services.message_queue(message=_message(table_a), by=None)

    assert _sent_to() == ["citoyenne@example.org", "info@accueil.example", "maire@mrc.example"]


def test_segments_by_organisation_kind_and_municipality(table_a, listed, subscribe):
    services.message_queue(
        message=_message(
            table_a, segment=Message.Segment.ORGANISATION_KIND, organisation_kind="reception"
        ),
        by=None,
    )
    assert _sent_to() == ["info@accueil.example"]
    mail.outbox.clear()
    town = MunicipalityFactory(name="Lavaltrie")
    subscribe(table_a, "citoyen@lavaltrie.example", municipality=town)
    services.message_queue(
        message=_message(table_a, segment=Message.Segment.MUNICIPALITY, municipality=town),
        by=None,
    )
    assert _sent_to() == ["citoyen@lavaltrie.example"]


def test_each_message_carries_list_unsubscribe_headers_text_and_html(table_a, listed, settings):
    settings.MAILING_UNSUBSCRIBE_EMAIL = "desabonnement@table-a.example"
    services.message_queue(message=_message(table_a), by=None)

    email = next(m for m in mail.outbox if m.to == ["citoyenne@example.org"])
    header = email.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{settings.SITE_URL}/fr/listes/desabonnement/")
    assert header.endswith(">, <mailto:desabonnement@table-a.example?subject=desabonnement>")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.from_email.startswith("Table A <")
    assert "Bonjour à tous." in email.body and "**" not in email.body
    assert _unsubscribe_url(email) in email.body
    html_part, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>à tous</strong>" in html_part
    assert html.escape(_unsubscribe_url(email)) in html_part


def test_the_unsubscribe_link_works_without_login_and_stops_the_next_message(
    client, table_a, listed
):
    services.message_queue(message=_message(table_a), by=None)
    email = next(m for m in mail.outbox if m.to == ["citoyenne@example.org"])
    path = _path(_unsubscribe_url(email))

    page = client.get(path)
    assert "Me désabonner" in page.content.decode()
    assert Subscriber.objects.get(email="citoyenne@example.org").status == S.SUBSCRIBED

    done = client.post(path)
    assert "ne recevra plus les messages" in html.unescape(done.content.decode())
    assert Subscriber.objects.get(email="citoyenne@example.org").status == S.UNSUBSCRIBED

    mail.outbox.clear()
    services.message_queue(message=_message(table_a), by=None)
    assert "citoyenne@example.org" not in _sent_to()


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(table_a, listed):
    from django.test import Client

    services.message_queue(message=_message(table_a), by=None)
    email = next(m for m in mail.outbox if m.to == ["info@accueil.example"])
    response = Client(enforce_csrf_checks=True).post(
        _path(_unsubscribe_url(email)), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(email="info@accueil.example").status == S.UNSUBSCRIBED


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(client, table_a, listed):
    services.message_queue(message=_message(table_a), by=None)
    email = next(m for m in mail.outbox if m.to == ["info@accueil.example"])
    token = _unsubscribe_url(email).rstrip("/").rsplit("/", 1)[1]
    pk, rest = token.split(":", 1)
    forged = f"{listed['loose'].pk}:{rest}"

    response = client.post(reverse("mailing:unsubscribe", kwargs={"token": forged}))

    assert response.status_code == 404
    assert "Ce lien n'est pas valide" in html.unescape(response.content.decode())
    assert (
        not Subscriber.objects.filter(status=S.UNSUBSCRIBED)
        .exclude(email="ancien@mrc.example")
        .exists()
    )


def test_sending_twice_is_refused(table_a, listed):
    message = _message(table_a)
    services.message_queue(message=message, by=None)
    count = len(mail.outbox)

    with pytest.raises(services.MessageNotDraft):
        services.message_queue(message=message, by=None)

    assert len(mail.outbox) == count
    assert Delivery.objects.filter(message=message).count() == 3


def test_a_bounced_address_never_receives_again(table_a, listed):
    assert services.mark_bounced("INFO@accueil.example", "550 mailbox unavailable") == 1
    subscriber = Subscriber.objects.get(email="info@accueil.example")
    assert (subscriber.status, subscriber.bounce_reason) == (S.BOUNCED, "550 mailbox unavailable")

    services.message_queue(message=_message(table_a), by=None)

    assert "info@accueil.example" not in _sent_to()


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _enqueued(task):
    return [result for result in default_task_backend.results if result.task == task]


@override_settings(TASKS=DUMMY_TASKS)
def test_an_address_unsubscribed_after_queueing_is_skipped(
    table_a, listed, django_capture_on_commit_callbacks
):
    message = _message(table_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_queue(message=message, by=None)
    services.subscriber_unsubscribe(subscriber=listed["loose"], reason="test")

    with django_capture_on_commit_callbacks(execute=True):
        sending.send_message_batch.call(message.pk)

    delivered = [result.args[0]["to"] for result in _enqueued(deliver_email)]
    assert sorted(delivered) == [["info@accueil.example"], ["maire@mrc.example"]]
    message.refresh_from_db()
    assert (message.recipients_count, message.sent_count, message.status) == (2, 2, "sent")


@override_settings(TASKS=DUMMY_TASKS)
def test_two_thousand_subscribers_are_sent_in_batches_by_the_worker(
    client, table_a, coordinator_a, django_capture_on_commit_callbacks
):
    Subscriber.objects.bulk_create(
        Subscriber(
            table=table_a,
            email=f"abonne-{n}@example.org",
            status=S.SUBSCRIBED,
            source=Subscriber.Source.IMPORT,
            consented_at="2025-01-01T00:00Z",
            consent_evidence="Import",
        )
        for n in range(2_000)
    )
    message = _message(table_a)
    client.force_login(coordinator_a)
    send = reverse("admin:mailing_message_send", args=[message.pk])
    assert "2\u00a0000 abonnés" in html.unescape(client.get(send).content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send, {"recipients": 2000})
    assert response.status_code == 302
    # The request only queued the first batch: not one e-mail was handed over by it.
    assert len(_enqueued(sending.send_message_batch)) == 1
    assert _enqueued(deliver_email) == []

    batches = 0
    while Delivery.objects.filter(message=message, status="queued").exists():
        with django_capture_on_commit_callbacks(execute=True):
            sending.send_message_batch.call(message.pk)
        batches += 1
        if batches == 3:
            page = client.get(reverse("admin:mailing_message_change", args=[message.pk]))
            text = html.unescape(page.content.decode())
            assert "Envoyés : 300 sur 2\u00a0000 · échecs : 0" in text
            # The progress updates itself in place (no page reload under the user's hands).
            assert 'data-refresh-every="10"' in text and "Rafraîchir" in text
            assert 'http-equiv="refresh"' not in text
    assert batches == 2_000 // sending.BATCH_SIZE == 20
    # The first batch was enqueued by « Envoyer », each batch but the last enqueued the next.
    assert len(_enqueued(sending.send_message_batch)) == 20
    assert len(_enqueued(deliver_email)) == 2_000

    message.refresh_from_db()
    assert (message.status, message.sent_count, message.failed_count) == ("sent", 2000, 0)
    page = client.get(reverse("admin:mailing_message_change", args=[message.pk]))
    text = html.unescape(page.content.decode())
    assert "Envoyés : 2\u00a0000 sur 2\u00a0000 · échecs : 0" in text
    assert 'http-equiv="refresh"' not in text


def test_no_mailto_unsubscribe_to_a_mailbox_nobody_reads(table_a, listed, settings):
    settings.MAILING_UNSUBSCRIBE_EMAIL = ""
    services.message_queue(message=_message(table_a), by=None)
    email = next(m for m in mail.outbox if m.to == ["citoyenne@example.org"])
    assert "mailto:" not in email.extra_headers["List-Unsubscribe"]
    assert email.extra_headers["List-Unsubscribe"].startswith(f"<{settings.SITE_URL}/fr/listes/")


@override_settings(TASKS=DUMMY_TASKS)
def test_a_message_whose_batch_was_lost_is_resumed_by_the_scheduled_job(
    table_a, listed, django_capture_on_commit_callbacks
):
    message = _message(table_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_queue(message=message, by=None)
    default_task_backend.clear()  # the first batch's task is lost (its worker died)
    sent = _message(table_a)
    Message.objects.filter(pk=sent.pk).update(status=Message.Status.SENT)

    assert sending.resume_stalled_messages.call() == 1
    assert [result.args for result in _enqueued(sending.send_message_batch)] == [[message.pk]]

    with django_capture_on_commit_callbacks(execute=True):
        sending.send_message_batch.call(message.pk)
    message.refresh_from_db()
    assert message.status == "sent"
    assert sending.resume_stalled_messages.call() == 0
