"""The event's page and its admin page run the same queries with 3 registrations or 30."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def event_with(table, registrations, slug):
    start = timezone.now() + timedelta(days=5)
    event = EventFactory(
        table=table,
        slug=slug,
        start=start,
        end=start + timedelta(hours=1),
        registration_required=True,
        capacity=registrations - 1,  # full: one on the waiting list
    )
    statuses = ["confirmed"] * (registrations - 1) + ["waiting"]
    Registration.objects.bulk_create(
        Registration(event=event, name=f"P{n}", email=f"p{n}@example.org", status=status)
        for n, status in enumerate(statuses)
    )
    return event


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", ["public", "admin"])
def test_event_pages_stay_flat_with_ten_times_the_registrations(
    client, coordinator_a, table_a, page, django_assert_max_num_queries
):
    client.force_login(coordinator_a)
    small, large = event_with(table_a, 3, "petit"), event_with(table_a, 30, "grand")

    def url(event):
        if page == "public":
            return event.get_absolute_url()
        return reverse("admin:events_event_change", args=[event.pk])

    budget = count(client, url(small))
    with django_assert_max_num_queries(budget):
        response = client.get(url(large))
    assert ("p29@example.org" in response.content.decode()) == (page == "admin")
