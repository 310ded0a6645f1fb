"""Convening a meeting: one e-mail per member with the agenda, the documents, an ``.ics``
invitation and a signed link to answer present / absent / represented without an account.

Convening again (the date or the place changed) writes to everyone again, keeps the answers
already given, and updates the event in their calendars (same UID, higher SEQUENCE).
"""

import mimetypes
import os

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import audit, links
from common.formatting import format_when
from common.markdown import markdown_to_text
from meetings.addresses import ANSWER, answer_link, feed_link
from meetings.calendar import invitation_ics
from meetings.members import members_of
from meetings.models import Attendance, FollowUp


def attendance_from_token(token):
    """The convocation a link names (``links.InvalidLink`` if tampered or gone)."""
    queryset = Attendance.objects.select_related("meeting__table", "meeting__committee")
    return links.get(queryset, ANSWER, token)


def when(meeting):
    """« 6 février 2025, 10 h à 12 h » in the active language."""
    return format_when(meeting.starts_at, meeting.end)


def _attachments(meeting):
    for document in meeting.documents.all():
        name = os.path.basename(document.file.name)
        with document.file.open("rb") as handle:
            content = handle.read()
        yield name, content, mimetypes.guess_type(name)[0] or "application/octet-stream"


def follow_ups_pending(meeting):
    """« Suivis en cours »: what earlier meetings of the same table or committee left open."""
    return list(
        FollowUp.objects.open()
        .pending_at(meeting)
        .select_related("organisation", "meeting")
        .order_by("due_on", "pk")
    )


def _message(meeting, attendance, attachments, sequence, follow_ups=()):
    link = answer_link(attendance)
    context = {
        "meeting": meeting,
        "attendance": attendance,
        "when": when(meeting),
        "agenda": markdown_to_text(meeting.agenda),
        "link": link,
        "feed": feed_link(attendance.person) if attendance.person_id else "",
        "follow_ups": follow_ups,
    }
    subject = _("Convocation : %(name)s, %(when)s") % {
        "name": meeting.name,
        "when": context["when"],
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("meetings/email/convocation.txt", context),
        to=[attendance.email],
        reply_to=meeting.table.coordination_emails,
    )
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.attach(
        "invitation.ics",
        invitation_ics(meeting, attendance, url=link, sequence=sequence),
        "text/calendar",
    )
    return message


def convene(meeting, *, by=None):
    """Write to every member of the meeting's table or committee; returns the convocations.

    Members who left since an earlier convocation keep their row (their answer is history) but
    receive nothing; new members are added.
    """
    now = timezone.now()
    with transaction.atomic():
        attendances = []
        for member in members_of(meeting.table, meeting.committee):
            attendance, _created = Attendance.objects.update_or_create(
                meeting=meeting,
                email=member.email,
                defaults={
                    "person": member.person,
                    "organisation_id": member.organisation_id,
                    "name": member.name,
                    "convened_at": now,
                },
            )
            attendances.append(attendance)
        meeting.convened_at = now
        meeting.convocations_sent += 1  # the SEQUENCE: calendars update the event they have
        meeting._change_reason = _("Convocation envoyée")
        meeting.save(update_fields=["convened_at", "convocations_sent"])
        audit.record("meeting.convene", meeting=meeting.pk, recipients=len(attendances))
        with translation.override("fr"):
            attachments = list(_attachments(meeting))
            follow_ups = follow_ups_pending(meeting)
            for attendance in attendances:
                sequence = meeting.convocations_sent
                _message(meeting, attendance, attachments, sequence, follow_ups).send()
    return attendances


def answer(attendance, *, choice, represented_by=""):
    """Record a member's answer (once: a second use of the link changes nothing)."""
    if attendance.answered_at is not None:
        return False
    attendance.answer = choice
    attendance.represented_by = represented_by if choice == Attendance.Answer.REPRESENTED else ""
    attendance.answered_at = timezone.now()
    attendance._change_reason = _("Réponse par le lien de la convocation")
    attendance.save(update_fields=["answer", "represented_by", "answered_at"])
    return True
