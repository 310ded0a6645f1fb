"""Admin and public pages run the same number of queries whatever the size of the plan."""

import pytest
from django.urls import reverse

from tests.builders import plan_with_measures
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def admin_pages(plan):
    measure = plan.axes.first().objectives.first().measures.first()
    objective = measure.objective
    return [
        reverse("admin:actionplans_plan_changelist"),
        reverse("admin:actionplans_measure_changelist"),
        reverse("admin:actionplans_objective_changelist"),
        reverse("admin:actionplans_indicator_changelist"),
        reverse("admin:actionplans_target_changelist"),
        reverse("admin:events_event_changelist"),
        reverse("admin:partners_table_changelist"),
        reverse("admin:partners_organisation_changelist"),
        reverse("admin:partners_invitation_changelist"),
        reverse("admin:activities_activity_changelist"),
        reverse("admin:kits_kit_changelist"),
        reverse("admin:municipalities_municipality_changelist"),
        reverse("admin:actionplans_plan_change", args=[plan.pk]),
        reverse("admin:actionplans_axis_change", args=[objective.axis.pk]),
        reverse("admin:actionplans_objective_change", args=[objective.pk]),
        reverse("admin:actionplans_measure_change", args=[measure.pk]),
        reverse("admin:actionplans_plan_history", args=[plan.pk]),
        reverse("admin:actionplans_measure_history", args=[measure.pk]),
        reverse("admin:partners_table_history", args=[plan.table.pk]),
        reverse("admin:partners_organisation_history", args=[measure.leads.get().pk]),
    ]


def public_pages(plan):
    from events.models import Event

    measure = plan.axes.first().objectives.first().measures.first()
    event = Event.objects.filter(table=plan.table).order_by("start").first()
    return [
        reverse("home"),
        plan.table.get_absolute_url(),
        plan.get_absolute_url(),
        plan.get_absolute_url() + "?q=Moyen&statut=late",
        measure.get_absolute_url(),
        reverse("events:list"),
        reverse("events:list") + "?format=en-personne",
        reverse("events:month", args=[event.start.year, event.start.month]),
        event.get_absolute_url(),
        reverse("events:ics", args=[event.slug]),
        "/fr/evenements.ics",
        reverse("tables:table_events", args=[plan.table.slug]),
        reverse("directory"),
        event.municipality.get_absolute_url(),
        "/sitemap.xml",
    ]


def query_counts(client, urls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(context))
    return counts


@pytest.mark.parametrize("pages", [admin_pages, public_pages])
def test_query_count_is_flat_as_the_plan_grows(
    client, superuser, pages, django_assert_max_num_queries
):
    client.force_login(superuser)
    small = plan_with_measures(measures=2, slug="petit")
    small_counts = query_counts(client, pages(small))
    large = plan_with_measures(measures=20, slug="grand")
    for url, budget in zip(pages(large), small_counts, strict=True):
        with django_assert_max_num_queries(budget):
            client.get(url)


def test_admin_pages_stay_within_budget(client, superuser, django_assert_max_num_queries):
    client.force_login(superuser)
    plan = plan_with_measures(measures=20)
    for url in admin_pages(plan):
        with django_assert_max_num_queries(40):
            client.get(url)
