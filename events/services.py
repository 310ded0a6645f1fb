"""Registering to an event without an account: capacity, waiting list, cancellation by a
signed link, promotion of the first person waiting.

Every write locks the event's row first (``select_for_update``), so two people taking the last
place at the same moment cannot both have it: the second one counts the first. The e-mails go
through the task queue once the write commits (``common.mail``), written in French.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import links
from common.formatting import format_when
from events.models import Event, Registration

CANCEL = "events.registration.cancel"
# A repeated registration sends the registrant's e-mail again, at most this often: nobody can
# flood an address by submitting it over and over.
RESEND_AFTER = timedelta(hours=1)


class RegistrationRefused(Exception):
    """The event takes no registration now; ``message`` says why, in the active language."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


def cancel_link(registration):
    with translation.override("fr"):
        token = links.make(CANCEL, registration.pk)
        path = reverse("events:registration_cancel", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def registration_from_token(token):
    """The registration a cancellation link names (``links.InvalidLink`` if tampered or gone)."""
    return links.get(Registration.objects.select_related("event__table"), CANCEL, token)


def when(event):
    """« 6 février 2025, 10 h à 11 h » in the active language."""
    return format_when(event.start, event.end)


def waiting_position(registration):
    """1 for the first person on the waiting list."""
    waiting = registration.event.registrations.waiting()
    return (
        waiting.filter(created_at__lt=registration.created_at).count()
        + waiting.filter(created_at=registration.created_at, pk__lte=registration.pk).count()
    )


def refusal(event, now=None):
    """Why ``event`` takes no registration now (a sentence), or None when it does."""
    now = now or timezone.now()
    if not event.registration_required:
        return _("Cet événement ne demande pas d'inscription.")
    if event.start <= now:
        return _("Cet événement a déjà eu lieu : les inscriptions sont fermées.")
    if not event.registration_open(now):
        return _("Les inscriptions à cet événement sont fermées.")
    return None


def is_full(event):
    """Whether a new registrant would wait (someone waits already, or every place is taken)."""
    if event.capacity is None:
        return False
    registrations = event.registrations.all()
    return registrations.waiting().exists() or registrations.confirmed().count() >= event.capacity


def _send(registration, template, subject):
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "when": when(event),
        "event_url": f"{settings.SITE_URL}{event.get_absolute_url()}",
        "cancel_url": cancel_link(registration),
    }
    if registration.status == Registration.Status.WAITING:
        context["position"] = waiting_position(registration)
    EmailMessage(
        subject=subject % {"title": event.title, "when": context["when"], **context},
        body=render_to_string(f"events/email/{template}.txt", context),
        to=[registration.email],
    ).send()


def send_status(registration):
    """The e-mail that says where the registrant stands: confirmed (with the online link) or
    waiting, at which position."""
    with translation.override("fr"):
        if registration.status == Registration.Status.CONFIRMED:
            _send(registration, "confirmed", _("Inscription confirmée : %(title)s, %(when)s"))
        else:
            _send(
                registration,
                "waiting",
                _("Liste d'attente, position %(position)s : %(title)s"),
            )
    _emailed(registration)


def _emailed(registration):
    """Note when the registrant was last written to (bookkeeping, not a change anyone made:
    kept out of the history)."""
    registration.emailed_at = timezone.now()
    Registration.objects.filter(pk=registration.pk).update(emailed_at=registration.emailed_at)


def send_reminder(registration):
    with translation.override("fr"):
        _send(registration, "reminder", _("Rappel : %(title)s, %(when)s"))


def _locked(event):
    return Event.objects.select_for_update().get(pk=event.pk)


def registrations_promote(*, event):
    """Confirm the first people waiting while places are free (a cancellation, a capacity
    raised); each gets an e-mail with the online link. Returns the promoted registrations."""
    with transaction.atomic():
        event = _locked(event)
        if event.start <= timezone.now():
            return []
        waiting = list(event.registrations.waiting())
        if event.capacity is not None:
            free = max(event.capacity - event.registrations.confirmed().count(), 0)
            waiting = waiting[:free]
        now = timezone.now()
        for registration in waiting:
            registration.event = event
            registration.status = Registration.Status.CONFIRMED
            registration.promoted_at = now
            registration._change_reason = _("Place libérée : sortie de la liste d'attente")
            registration.save(update_fields=["status", "promoted_at"])
            with translation.override("fr"):
                _send(
                    registration,
                    "promoted",
                    _("Une place s'est libérée : %(title)s, %(when)s"),
                )
            _emailed(registration)
    return waiting


def registration_create(*, event, name, email, organisation=""):
    """Register ``email`` to ``event``: ``(registration, created)``.

    Confirmed while places remain, else on the waiting list; either way one e-mail says so,
    with the cancellation link. An address already registered keeps its registration as it is
    (``created`` is False) and is sent its e-mail again (at most once an hour). Raises
    ``RegistrationRefused`` when the event takes no registration now.
    """
    email = email.strip()
    with transaction.atomic():
        event = _locked(event)
        if (reason := refusal(event)) is not None:
            raise RegistrationRefused(reason)
        existing = event.registrations.active().filter(email__iexact=email).first()
        if existing is not None:
            existing.event = event
            if existing.emailed_at is None or existing.emailed_at < timezone.now() - RESEND_AFTER:
                send_status(existing)
            return existing, False
        status = Registration.Status.WAITING if is_full(event) else Registration.Status.CONFIRMED
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event,
                    name=name,
                    email=email,
                    organisation=organisation,
                    status=status,
                )
        except IntegrityError:  # the same address at the same moment, on a database without
            existing = event.registrations.active().get(email__iexact=email)  # row locks
            return existing, False
        send_status(registration)
    return registration, True


def registration_cancel(*, registration):
    """Cancel (once: a second use of the link changes nothing, returns False); the place goes
    to the first person waiting."""
    with transaction.atomic():
        event = _locked(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            return False
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration._change_reason = _("Annulée par le lien du courriel")
        registration.save(update_fields=["status", "cancelled_at"])
        if was_confirmed:
            registrations_promote(event=event)
    return True
