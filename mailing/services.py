"""Writes of the mailing list: subscribing (from the members, a CSV file, the site's form with
double opt-in, the coordination), confirming, unsubscribing, bounces, and queueing a message.

Every subscription records its consent: how (``source``), when, and what proves it, in French
(the evidence is kept as written, whatever the language of the page that asked).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import audit
from common.formatting import format_date, format_time, format_when
from common.tasks import enqueue_after_commit
from mailing.models import Delivery, Message, Subscriber
from mailing.selectors import recipients
from mailing.sending import send_confirmation, send_message_batch
from partners.models import Membership, Person

# A second request for the same address within this delay sends no second confirmation.
CONFIRMATION_THROTTLE = timedelta(minutes=15)


class MessageNotDraft(Exception):
    """The message was already queued or sent: it is never sent twice."""


def _stamp(moment):
    with translation.override("fr"):
        return f"{format_date(moment)}, {format_time(moment)}"


def _who(user):
    if user is None:
        return _("la coordination")
    return user.get_full_name().strip() or user.get_username()


def _existing(table, email):
    return (
        Subscriber.objects.filter(table=table)
        .annotate(address=Lower("email"))
        .filter(address=email.strip().lower())
        .first()
    )


def subscriber_request(*, table, email, name, consent_wording):
    """A visitor asked to subscribe on the table's page: a pending subscriber and a
    confirmation e-mail (double opt-in). What the page says afterwards never depends on the
    outcome: an address already subscribed gets nothing, and a repeated request within
    ``CONFIRMATION_THROTTLE`` sends no second e-mail."""
    email = email.strip()
    now = timezone.now()
    with translation.override("fr"):
        evidence = _(
            "Inscription demandée sur la page publique de la table le %(when)s, case de "
            "consentement cochée : « %(wording)s ». Confirmée par le lien envoyé à l'adresse "
            "(double consentement)."
        ) % {"when": _stamp(now), "wording": consent_wording}
    with transaction.atomic():
        subscriber = _existing(table, email)
        if subscriber is not None:
            subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber is not None and subscriber.status == Subscriber.Status.SUBSCRIBED:
            return
        if (
            subscriber is not None
            and subscriber.confirmation_sent_at
            and now - subscriber.confirmation_sent_at < CONFIRMATION_THROTTLE
        ):
            return
        if subscriber is None:
            subscriber = Subscriber(table=table, email=email)
        subscriber.name = name.strip() or subscriber.name
        subscriber.status = Subscriber.Status.PENDING
        subscriber.source = Subscriber.Source.WEBSITE
        subscriber.consented_at = now
        subscriber.consent_evidence = evidence
        subscriber.confirmation_sent_at = now
        subscriber._change_reason = _("Inscription demandée sur le site")
        try:
            with transaction.atomic():
                subscriber.save()
        except IntegrityError:  # the same address, asked twice at the same instant
            return
        send_confirmation(subscriber)
    audit.record("mailing.request", subscriber=subscriber.pk, table=table.pk)


def subscriber_confirm(*, subscriber):
    """The confirmation link was followed: subscribed. Once: False when it was not pending."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Subscriber.Status.PENDING:
            return False
        subscriber.status = Subscriber.Status.SUBSCRIBED
        subscriber.confirmed_at = timezone.now()
        subscriber._change_reason = _("Inscription confirmée par le lien du courriel")
        subscriber.save(update_fields=["status", "confirmed_at"])
    return True


def subscriber_unsubscribe(*, subscriber, reason):
    """Unsubscribed, for good: nothing more is sent; importing the address again or adding the
    members does not subscribe it again (only the person, through the site's form)."""
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return False
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber._change_reason = reason
    subscriber.save(update_fields=["status", "unsubscribed_at"])
    audit.record("mailing.unsubscribe", subscriber=subscriber.pk)
    return True


def subscriber_mark_bounced(*, subscriber, reason):
    """One subscription whose address came back in error: it never receives again (its last
    delivery says so too). False when it was already marked."""
    if subscriber.status == Subscriber.Status.BOUNCED:
        return False
    subscriber.status = Subscriber.Status.BOUNCED
    subscriber.bounced_at = timezone.now()
    subscriber.bounce_reason = reason[:300]
    subscriber._change_reason = _("Adresse en erreur : %(reason)s") % {"reason": reason}
    subscriber.save(update_fields=["status", "bounced_at", "bounce_reason"])
    last = subscriber.deliveries.filter(status=Delivery.Status.SENT).order_by("-sent_at", "-pk")
    Delivery.objects.filter(pk__in=last.values("pk")[:1]).update(
        status=Delivery.Status.BOUNCED, error=reason[:500]
    )
    return True


def mark_bounced(email, reason):
    """The address came back in error (its mailbox is gone): it never receives again, in any
    table's list. Returns how many subscriptions were marked."""
    subscribers = Subscriber.objects.annotate(address=Lower("email")).filter(
        address=email.strip().lower()
    )
    marked = sum(
        subscriber_mark_bounced(subscriber=subscriber, reason=reason) for subscriber in subscribers
    )
    if marked:
        audit.record("mailing.bounce", subscriptions=marked)
    return marked


def subscriber_prepare_added(*, subscriber, by):
    """A subscriber the coordination adds by hand (the admin's form): subscribed now, with the
    evidence the coordinator wrote, signed with their name and the date."""
    now = timezone.now()
    with translation.override("fr"):
        signature = _("Ajoutée par %(who)s le %(when)s.") % {"who": _who(by), "when": _stamp(now)}
    subscriber.status = Subscriber.Status.SUBSCRIBED
    subscriber.source = Subscriber.Source.COORDINATION
    subscriber.consented_at = now
    subscriber.consent_evidence = f"{subscriber.consent_evidence.strip()}\n{signature}"


def _member_people(table):
    organisations = Membership.objects.filter(table=table).values("organisation")
    return (
        Person.objects.filter(organisation__in=organisations)
        .exclude(email="")
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def members_to_add(table):
    """The people of the table's member organisations with an address not yet in the list
    (whatever its state there: an unsubscribed address stays unsubscribed)."""
    known = {
        address.lower()
        for address in Subscriber.objects.filter(table=table).values_list("email", flat=True)
    }
    people = {}
    for person in _member_people(table):
        address = person.email.strip()
        if address.lower() not in known:
            people.setdefault(address.lower(), person)
    return list(people.values())


def subscribers_add_members(*, table, by):
    """« Ajouter les membres de la table »: implied consent (CASL, membership of the table)."""
    now = timezone.now()
    added = []
    with transaction.atomic(), translation.override("fr"):
        for person in members_to_add(table):
            evidence = _(
                "Consentement tacite (LCAP) : la personne représente « %(organisation)s », "
                "organisation membre de la table (relation d'affaires ou d'adhésion en cours). "
                "Ajoutée par %(who)s le %(when)s depuis la liste des membres."
            ) % {"organisation": person.organisation, "who": _who(by), "when": _stamp(now)}
            subscriber = Subscriber(
                table=table,
                email=person.email.strip(),
                name=f"{person.first_name} {person.last_name}".strip() or person.title,
                organisation=person.organisation,
                municipality=person.organisation.municipality,
                status=Subscriber.Status.SUBSCRIBED,
                source=Subscriber.Source.MEMBER,
                consented_at=now,
                consent_evidence=evidence,
            )
            subscriber._change_reason = _("Ajouté depuis les membres de la table")
            subscriber.save()
            added.append(subscriber)
    audit.record("mailing.add_members", table=table.pk, added=len(added))
    return added


def subscribers_import(*, table, rows, filename, by, consent_wording):
    """The rows of a CSV file (``mailing.imports``) that a preview found new, subscribed in one
    transaction, with who imported which file and the consent they confirmed holding."""
    now = timezone.now()
    added = []
    with transaction.atomic(), translation.override("fr"):
        for row in rows:
            evidence = _(
                "Importée par %(who)s le %(when)s depuis le fichier « %(file)s », ligne "
                "%(line)s. La coordination a confirmé détenir le consentement : « %(wording)s »."
            ) % {
                "who": _who(by),
                "when": _stamp(now),
                "file": filename,
                "line": row.line,
                "wording": consent_wording,
            }
            subscriber = Subscriber(
                table=table,
                email=row.email,
                name=row.name,
                organisation=row.organisation,
                municipality=row.municipality,
                status=Subscriber.Status.SUBSCRIBED,
                source=Subscriber.Source.IMPORT,
                consented_at=now,
                consent_evidence=evidence,
            )
            subscriber._change_reason = _("Importé d'un fichier CSV")
            subscriber.save()
            added.append(subscriber)
    audit.record("mailing.import", table=table.pk, added=len(added))
    return added


def message_queue(*, message, by):
    """« Envoyer »: one delivery per recipient of the segment at this moment, and the first
    batch enqueued once this commits. A message is queued once: ``MessageNotDraft`` after."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status != Message.Status.DRAFT:
            raise MessageNotDraft
        subscriber_ids = list(recipients(message).order_by("pk").values_list("pk", flat=True))
        Delivery.objects.bulk_create(
            [Delivery(message=message, subscriber_id=pk) for pk in subscriber_ids],
            batch_size=500,
        )
        message.status = Message.Status.QUEUED
        message.queued_at = timezone.now()
        message.recipients_count = len(subscriber_ids)
        message._change_reason = _("Envoi demandé par %(who)s") % {"who": _who(by)}
        message.save(update_fields=["status", "queued_at", "recipients_count"])
        audit.record("mailing.queue", message=message.pk, recipients=len(subscriber_ids))
        enqueue_after_commit(send_message_batch, message.pk)
    return message


def announcement_text(event):
    """The subject and Markdown body of an event's announcement, in French: its title, date
    and place and the address of its public page (never its online link: registrants get it)."""
    with translation.override("fr"):
        when = format_when(event.start, event.end)
        subject = _("Invitation : %(title)s, %(when)s") % {
            "title": event.title,
            "when": format_date(event.start),
        }
        place = ", ".join(part for part in (event.location, str(event.municipality or "")) if part)
        lines = [f"**{event.title}**", "", f"- {_('Quand :')} {when}"]
        if place:
            lines.append(f"- {_('Où :')} {place}")
        if event.online_url:
            lines.append(f"- {_('Aussi en ligne')}")
        if event.description:
            lines += ["", event.description.strip()]
        if event.is_public:
            with translation.override("fr"):
                url = f"{settings.SITE_URL}{event.get_absolute_url()}"
            lines += ["", _("Tous les détails : %(url)s") % {"url": f"<{url}>"}]
    return subject, "\n".join(lines)


def message_announce(*, event, by):
    """« Annoncer à la liste d'envoi »: a draft to the whole list, prefilled from the event."""
    subject, body = announcement_text(event)
    message = Message(
        table_id=event.table_id, subject=subject[:200], body=body, event=event, created_by=by
    )
    message._change_reason = _("Annonce préparée depuis l'événement")
    message.save()
    return message
