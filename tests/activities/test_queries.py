"""Dashboards, review queue and lists keep a flat query count with 1,000 reports."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Measure
from activities.models import Activity, IndicatorValue
from tests.builders import plan_with_measures
from tests.factories import OrganisationFactory, UserFactory, coordinator_of, partner_of

pytestmark = pytest.mark.django_db


def add_reports(plan, organisation, author, count):
    measures = list(Measure.objects.of_plan(plan).prefetch_related("indicators"))
    statuses = ["approved", "submitted", "draft", "returned"]
    reports = Activity.objects.bulk_create(
        Activity(
            measure=measures[n % len(measures)],
            organisation=organisation,
            author=author,
            date=date(2022, 5, 1) + timedelta(days=n % 900),
            title=f"Activité {n}",
            participants=10,
            status=statuses[n % 4],
        )
        for n in range(count)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(activity=report, indicator=report.measure.indicators.all()[0], value=1)
        for report in reports
    )


def counts(client, urls):
    result = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        result.append(len(queries))
    return result


def test_dashboards_and_queue_are_flat_from_10_to_1000_reports(
    client, django_assert_max_num_queries
):
    org = OrganisationFactory(name="CJE")
    plan = plan_with_measures(measures=12)
    for measure in Measure.objects.of_plan(plan):
        measure.leads.add(org)
    partner = partner_of(org, username="p@example.org")
    coordinator = coordinator_of(plan.table, username="c@example.org")
    urls = [reverse("dashboard"), reverse("activities:list")]
    add_reports(plan, org, partner, 10)
    client.force_login(partner)
    partner_small = counts(client, urls)
    client.force_login(coordinator)
    coordinator_small = counts(client, [*urls, reverse("activities:review_queue")])

    add_reports(plan, org, partner, 990)
    client.force_login(partner)
    for url, budget in zip(urls, partner_small, strict=True):
        with django_assert_max_num_queries(budget):
            client.get(url)
    client.force_login(coordinator)
    for url, budget in zip(
        [*urls, reverse("activities:review_queue")], coordinator_small, strict=True
    ):
        with django_assert_max_num_queries(budget):
            client.get(url)
    page = client.get(reverse("dashboard")).content.decode()
    assert "251 activités à réviser" in page


def test_report_detail_is_flat(client, django_assert_max_num_queries):
    org = OrganisationFactory()
    plan = plan_with_measures(measures=4)
    partner = partner_of(org, username="p@example.org")
    add_reports(plan, org, partner, 5)
    report = Activity.objects.first()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("activities:detail", args=[report.pk]))
    assert report.title in response.content.decode()
