"""Sending a message to the list: by batches, in the task worker, never in a web request.

``send_message_batch`` sends ``BATCH_SIZE`` of the message's queued deliveries (one e-mail per
subscriber, text and HTML, with a personal unsubscribe link and the ``List-Unsubscribe``
headers of RFC 2369 and RFC 8058), counts them on the message, then enqueues the next batch;
the last one marks the message sent. Each e-mail itself goes through the mail queue
(``common.mail``), which retries what the mail server refuses.
"""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from common import audit
from common.markdown import markdown_to_text, render_markdown
from common.tasks import enqueue_after_commit
from mailing import links
from mailing.models import Delivery, Message, Subscriber

BATCH_SIZE = 100


def _sender(table):
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((table.name, address))


def list_headers(table, unsubscribe_url):
    """RFC 2369 and 8058: mail clients offer « Se désabonner », in one click. A ``mailto:`` only
    when MAILING_UNSUBSCRIBE_EMAIL names a mailbox someone reads (never the no-reply sender)."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    unsubscribe = f"<{unsubscribe_url}>"
    if address := settings.MAILING_UNSUBSCRIBE_EMAIL:
        unsubscribe += f", <mailto:{address}?subject=desabonnement>"
    return {
        "List-Unsubscribe": unsubscribe,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{table.name} <{table.slug}.liste.{domain}>",
    }


def build_email(message, subscriber):
    """The e-mail one subscriber receives, in French (the site's first language)."""
    unsubscribe = links.unsubscribe_url(subscriber)
    with translation.override("fr"):
        context = {
            "message": message,
            "table": message.table,
            "subscriber": subscriber,
            "text": markdown_to_text(message.body),
            "html": render_markdown(message.body),
            "unsubscribe_url": unsubscribe,
            "archive_url": f"{settings.SITE_URL}{message.get_absolute_url()}"
            if message.segment == Message.Segment.ALL
            else "",
        }
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=render_to_string("mailing/email/message.txt", context),
            from_email=_sender(message.table),
            to=[subscriber.email],
            reply_to=message.table.coordination_emails,
            headers=list_headers(message.table, unsubscribe),
        )
        email.attach_alternative(
            render_to_string("mailing/email/message.html", context), "text/html"
        )
    return email


def send_confirmation(subscriber):
    """The double opt-in: the link that turns a pending address into a subscribed one."""
    with translation.override("fr"):
        context = {
            "subscriber": subscriber,
            "table": subscriber.table,
            "link": links.confirm_url(subscriber),
        }
        EmailMultiAlternatives(
            subject=_("Confirmez votre inscription à la liste d'envoi de %(table)s")
            % {"table": subscriber.table.name},
            body=render_to_string("mailing/email/confirm.txt", context),
            from_email=_sender(subscriber.table),
            to=[subscriber.email],
        ).send()


def _send_one(message, delivery):
    if delivery.subscriber.status != Subscriber.Status.SUBSCRIBED:
        return Delivery.Status.SKIPPED, ""
    try:
        build_email(message, delivery.subscriber).send()
    except Exception as error:  # the queue refused it: counted, shown, the batch goes on
        return Delivery.Status.FAILED, str(error)[:500] or error.__class__.__name__
    return Delivery.Status.SENT, ""


@task()
def send_message_batch(message_id):
    """Send the next ``BATCH_SIZE`` queued deliveries of a message, then enqueue the next
    batch (or mark the message sent). Rows are locked while they are sent: two workers never
    send the same delivery."""
    message = Message.objects.select_related("table").filter(pk=message_id).first()
    if message is None or message.status == Message.Status.SENT:
        return "nothing"
    counts = {Delivery.Status.SENT: 0, Delivery.Status.FAILED: 0, Delivery.Status.SKIPPED: 0}
    with transaction.atomic():
        batch = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(message=message, status=Delivery.Status.QUEUED)
            .select_related("subscriber")
            .order_by("pk")[:BATCH_SIZE]
        )
        now = timezone.now()
        for delivery in batch:
            delivery.status, delivery.error = _send_one(message, delivery)
            delivery.sent_at = now if delivery.status == Delivery.Status.SENT else None
            counts[delivery.status] += 1
        Delivery.objects.bulk_update(batch, ["status", "error", "sent_at"])
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.SENDING,
            sent_count=F("sent_count") + counts[Delivery.Status.SENT],
            failed_count=F("failed_count") + counts[Delivery.Status.FAILED],
            recipients_count=F("recipients_count") - counts[Delivery.Status.SKIPPED],
        )
    if batch and message.deliveries.filter(status=Delivery.Status.QUEUED).exists():
        enqueue_after_commit(send_message_batch, message.pk)
        return "more"
    if not message.deliveries.filter(status=Delivery.Status.QUEUED).exists():
        Message.objects.filter(pk=message.pk).exclude(status=Message.Status.SENT).update(
            status=Message.Status.SENT, sent_at=timezone.now()
        )
        audit.record("mailing.sent", message=message.pk)
    return "done"


@task()
def resume_stalled_messages():
    """A scheduled job: a message still has queued deliveries (a batch task failed, or its
    worker stopped) gets its next batch enqueued again. Safe to repeat: a delivery is taken by
    one batch only (its row is locked, then no longer queued)."""
    stalled = (
        Message.objects.filter(
            status__in=[Message.Status.QUEUED, Message.Status.SENDING],
            deliveries__status=Delivery.Status.QUEUED,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    for message_id in stalled:
        send_message_batch.enqueue(message_id)
    return len(stalled)
