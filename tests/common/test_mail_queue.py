"""E-mails leave through the task queue: a mail server failure loses nothing, nor rolls back
the write that asked for the message; the worker's next attempt delivers it."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from activities.models import Activity
from common import mail as queued_mail
from tests.factories import OrganisationFactory, coordinator_of, measure_in, partner_of

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink(Message):
    """An SMTP server keeping what it receives."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp(settings):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there yet: the server is "down"
    settings.EMAIL_TIMEOUT = 5
    return settings


def run_worker():
    call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def mail_tasks():
    return DBTaskResult.objects.filter(task_path="common.mail.deliver_email").order_by(
        "enqueued_at"
    )


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_failure_keeps_the_activity_and_the_worker_delivers_later(
    client, smtp, table_a, plan_a
):
    cje = OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")
    measure = measure_in(plan_a, "1.3.1", title="Activités interculturelles")
    measure.leads.add(cje)
    coordinator_of(table_a, username="coordination@example.org")
    client.force_login(partner_of(cje, username="partenaire@example.org"))

    response = client.post(
        reverse("activities:create"),
        {
            "measure": measure.pk,
            "date": "2023-06-15",
            "title": "Fête interculturelle",
            "description": "Une belle soirée.",
            "participants": "40",
            "submit": "1",
        },
    )

    activity = Activity.objects.get()
    assert response.status_code == 302 and activity.status == "submitted"
    assert mail.outbox == []  # nothing sent inside the request
    queued = mail_tasks().get()
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs["args"][0]["to"] == ["coordination@example.org"]

    run_worker()  # the SMTP server refuses the connection

    assert Activity.objects.get().status == "submitted"
    first, retry = mail_tasks()
    assert first.return_value == "retry"
    assert retry.status == TaskResultStatus.READY and retry.args_kwargs["args"][1] == 2
    assert retry.run_after > timezone.now() + timedelta(seconds=30)

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp.EMAIL_PORT)
    controller.start()
    try:
        run_worker()  # too early: the retry waits for its time
        assert sink.messages == []
        retry.run_after = timezone.now()
        retry.save(update_fields=["run_after"])
        run_worker()
    finally:
        controller.stop()

    assert [message["To"] for message in sink.messages] == ["coordination@example.org"]
    assert "Fête interculturelle" in sink.messages[0].get_payload(decode=True).decode()
    assert mail_tasks().last().return_value == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_write_that_rolls_back_sends_nothing(settings):
    settings.TASKS = DATABASE_TASKS
    from django.core.mail import send_mail
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Sujet", "Corps", None, ["quelqu-un@example.org"])
        raise RuntimeError("the write failed")
    assert not mail_tasks().exists()

    with transaction.atomic():
        send_mail("Sujet", "Corps", None, ["quelqu-un@example.org"])
        assert not mail_tasks().exists()  # queued only once the write commits
    assert mail_tasks().count() == 1


def test_a_message_the_worker_could_never_send_fails_when_it_is_written(db, settings):
    """A line break in a subject (a title typed with one) is refused in the request, never
    queued to fail silently in the worker."""
    settings.TASKS = DATABASE_TASKS
    from django.core.mail import BadHeaderError, send_mail

    with pytest.raises(BadHeaderError):
        send_mail("Sujet\nBcc: tous@example.org", "Corps", None, ["quelqu-un@example.org"])
    assert not mail_tasks().exists()


def test_a_message_survives_the_queue_whole():
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(
        "Convocation — rencontre",
        "Bonjour,",
        "Table <table@example.org>",
        ["a@example.org"],
        cc=["b@example.org"],
        reply_to=["coordination@example.org"],
        headers={"X-Tag": "convocation"},
    )
    message.attach_alternative("<p>Bonjour,</p>", "text/html")
    message.attach("rencontre.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")

    copy = queued_mail.payload_to_message(queued_mail.message_to_payload(message))

    assert copy.message().as_bytes().count(b"BEGIN:VCALENDAR") == 1
    assert (copy.subject, copy.to, copy.cc, copy.reply_to) == (
        "Convocation — rencontre",
        ["a@example.org"],
        ["b@example.org"],
        ["coordination@example.org"],
    )
    assert copy.alternatives[0][0] == "<p>Bonjour,</p>"
    assert copy.extra_headers["X-Tag"] == "convocation"


def test_retries_wait_longer_each_time_and_stop():
    delays = [queued_mail.retry_delay(n) for n in range(1, queued_mail.MAX_ATTEMPTS)]
    assert delays == sorted(delays) and delays[0] == timedelta(minutes=1)
    assert sum(delays, timedelta()) < timedelta(hours=3)
