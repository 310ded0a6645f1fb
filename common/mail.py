"""Outgoing e-mail through the task queue.

``EMAIL_BACKEND`` is :class:`QueuedEmailBackend`: ``send_mail`` and allauth's messages become
a ``deliver_email`` task, enqueued once the write that asked for it commits
(``common.tasks.enqueue_after_commit``). The worker hands it to ``EMAIL_DELIVERY_BACKEND``
(SMTP in production); a failure there is retried with a growing delay, and can never lose nor
roll back the write.
"""

import base64
import logging
from datetime import timedelta
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks import task

from common.tasks import enqueue_after_commit, runs_at_once

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def retry_delay(attempt):
    """1, 2, 4 … 64 minutes between attempts: about two hours in all before giving up."""
    return timedelta(minutes=2 ** (attempt - 1))


def message_to_payload(message):
    """An :class:`EmailMessage` as JSON-safe data a task can carry."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            filename = attachment.get_filename()
            content = attachment.get_payload(decode=True)
            mimetype = attachment.get_content_type()
        else:
            filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {key: str(value) for key, value in message.extra_headers.items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "content_subtype": message.content_subtype,
        "attachments": attachments,
    }


def payload_to_message(payload, connection=None):
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
        alternatives=[tuple(item) for item in payload["alternatives"]],
        connection=connection,
    )
    message.content_subtype = payload["content_subtype"]
    for filename, content, mimetype in payload["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


@task()
def deliver_email(payload, attempt=1):
    """Send one queued message; on failure, enqueue the next attempt later (the database
    backend), or fail (a backend that cannot defer: the tests, make demo)."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    try:
        payload_to_message(payload, connection=connection).send()
    except Exception:
        if attempt >= MAX_ATTEMPTS or runs_at_once(deliver_email):
            logger.exception("E-mail to %s failed after %d attempts", payload["to"], attempt)
            raise
        delay = retry_delay(attempt)
        logger.warning(
            "E-mail to %s failed (attempt %d); next attempt in %s",
            payload["to"],
            attempt,
            delay,
            exc_info=True,
        )
        deliver_email.using(run_after=timezone.now() + delay).enqueue(payload, attempt + 1)
        return "retry"
    return "sent"


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            # Built once here, so that a message the worker could never send (a line break in
            # a subject: BadHeaderError) fails in the request that wrote it, not silently later.
            message.message()
            enqueue_after_commit(deliver_email, message_to_payload(message))
        return len(email_messages)
