"""The mailing list's signed links: confirming a subscription (double opt-in) and
unsubscribing, both without an account."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from common import links
from mailing.models import Subscriber

CONFIRM = "mailing.confirm"
UNSUBSCRIBE = "mailing.unsubscribe"
# A confirmation not followed within a week is asked for again from the form.
CONFIRM_MAX_AGE = timedelta(days=7)


def _absolute(name, token):
    with translation.override("fr"):
        path = reverse(f"mailing:{name}", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def confirm_url(subscriber):
    return _absolute("confirm", links.make(CONFIRM, subscriber.pk))


def unsubscribe_url(subscriber):
    return _absolute("unsubscribe", links.make(UNSUBSCRIBE, subscriber.pk))


def _queryset():
    return Subscriber.objects.select_related("table")


def subscriber_to_confirm(token):
    return links.get(_queryset(), CONFIRM, token, max_age=CONFIRM_MAX_AGE)


def subscriber_to_unsubscribe(token):
    """No age limit: the link in a message of last year still unsubscribes."""
    return links.get(_queryset(), UNSUBSCRIBE, token)
