"""Minutes: sending a meeting's minutes, with its decisions and follow-ups, to its members;
marking a follow-up done.

The minutes are Markdown: the e-mail's text part is :func:`~common.markdown.markdown_to_text`,
its HTML part :func:`~common.markdown.render_markdown` (sanitised). Sending again (a correction)
writes to every member again and records the new date.
"""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import audit
from common.formatting import format_date
from common.markdown import markdown_to_text, render_markdown
from meetings.members import members_of


class MinutesError(Exception):
    pass


def minutes_content(meeting):
    """What the minutes' e-mail and its confirmation page show: decisions in order, follow-ups
    with their responsible organisation and due date."""
    return {
        "decisions": list(meeting.decisions.order_by("order", "pk")),
        "follow_ups": list(
            meeting.follow_ups.select_related("organisation").order_by("due_on", "pk")
        ),
    }


def _message(meeting, member, context):
    context = {**context, "member": member}
    subject = _("Compte rendu : %(name)s du %(date)s") % {
        "name": meeting.name,
        "date": format_date(meeting.starts_at),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("meetings/email/minutes.txt", context),
        to=[member.email],
        reply_to=meeting.table.coordination_emails,
    )
    message.attach_alternative(
        render_to_string("meetings/email/minutes.html", context), "text/html"
    )
    return message


def minutes_send(*, meeting, by=None):
    """Send the minutes to each member of the meeting's table or committee; returns them."""
    if not meeting.minutes.strip():
        raise MinutesError(_("Le compte rendu est vide : écrivez-le avant de l'envoyer."))
    members = members_of(meeting.table, meeting.committee)
    if not members:
        raise MinutesError(_("Cette rencontre n'a aucun membre avec une adresse à qui écrire."))
    with transaction.atomic():
        meeting.minutes_sent_at = timezone.now()
        meeting._change_reason = _("Compte rendu envoyé")
        meeting.save(update_fields=["minutes_sent_at"])
        with translation.override("fr"):
            context = {
                "meeting": meeting,
                "date": format_date(meeting.starts_at),
                "minutes_text": markdown_to_text(meeting.minutes),
                "minutes_html": render_markdown(meeting.minutes),
                **minutes_content(meeting),
            }
            for member in members:
                _message(meeting, member, context).send()
        audit.record(
            "meeting.send_minutes",
            meeting=meeting.pk,
            recipients=len(members),
            by=getattr(by, "pk", None),
        )
    return members


def followup_complete(*, follow_up, by=None):
    """Mark a follow-up done (once: done already, nothing changes); returns whether it changed."""
    if follow_up.done_at is not None:
        return False
    follow_up.done_at = timezone.now()
    follow_up._change_reason = _("Marqué comme fait")
    follow_up.save(update_fields=["done_at"])
    audit.record("followup.complete", follow_up=follow_up.pk, by=getattr(by, "pk", None))
    return True
