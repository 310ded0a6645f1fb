"""The signed addresses a member receives: the answer to a convocation, and their private
calendar feed. Both need no account; the token names one row for one purpose."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from common import links

ANSWER = "meetings.attendance"
FEED = "meetings.feed"


def answer_path(attendance):
    with translation.override("fr"):
        return reverse("meetings:answer", kwargs={"token": links.make(ANSWER, attendance.pk)})


def answer_link(attendance):
    return f"{settings.SITE_URL}{answer_path(attendance)}"


def feed_path(person):
    with translation.override("fr"):
        return reverse("meetings:feed", kwargs={"token": links.make(FEED, person.pk)})


def feed_link(person):
    return f"{settings.SITE_URL}{feed_path(person)}"
