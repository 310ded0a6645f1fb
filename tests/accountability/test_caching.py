"""The plan's pages stay fresh under caching: every write that changes what they show bumps the
plan's content version, so the cached tree and the ETag change with it; a repeat request for
an unchanged page is a 304; a proxy may keep an anonymous page a minute, never a logged-in one
nor a draft's preview."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans import services as plan_services
from actionplans.models import Measure, Plan
from activities import services as activity_services
from tests.builders import plan_with_measures
from tests.factories import (
    ActivityFactory,
    EventFactory,
    IndicatorFactory,
    OrganisationFactory,
    TargetFactory,
    measure_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(plan_a):
    measure = measure_in(plan_a, "1.1.1", title="Accueillir les personnes nouvellement arrivées")
    indicator = IndicatorFactory(measure=measure, label="Nombre de capsules")
    TargetFactory(indicator=indicator, year=None, value=19, text="19 capsules")
    return measure


def version(plan):
    return Plan.objects.values_list("content_version", flat=True).get(pk=plan.pk)


def get(client, url, etag=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(url, **headers)


def test_an_approval_shows_on_the_next_request(client, plan_a, measure, coordinator_a):
    activity = ActivityFactory(measure=measure, status="submitted", date=date(2023, 6, 1))
    activity.values.create(indicator=measure.indicators.get(), value=5)
    first = get(client, plan_a.get_absolute_url())
    assert "0 sur 19" in first.content.decode()
    assert get(client, plan_a.get_absolute_url(), first["ETag"]).status_code == 304

    activity_services.activity_approve(activity=activity, reviewer=coordinator_a)

    after = get(client, plan_a.get_absolute_url(), first["ETag"])
    assert after.status_code == 200
    assert "5 sur 19" in after.content.decode()
    assert after["ETag"] != first["ETag"]
    measure_page = get(client, measure.get_absolute_url())
    assert activity.title in measure_page.content.decode()


def _edit_target(plan, measure, coordinator):
    target = measure.indicators.get().targets.get()
    target.value, target.text = Decimal(25), "25 capsules"
    target.save()
    return "0 sur 25"


def _edit_measure(plan, measure, coordinator):
    measure.title = "Un titre revu en comité"
    measure.save()
    return "Un titre revu en comité"


def _rename_lead(plan, measure, coordinator):
    organisation = OrganisationFactory(name="Carrefour jeunesse-emploi")
    measure.leads.add(organisation)
    organisation.name = "CJE Beauce-Nord"
    organisation.save()
    return "CJE Beauce-Nord"


def _add_expense(plan, measure, coordinator):
    plan.expenses.create(label="Frais de gestion", amount=Decimal(13000))
    return "Frais de gestion"


def _delete_approved_activity(plan, measure, coordinator):
    activity = ActivityFactory(measure=measure, date=date(2023, 6, 1))
    activity.values.create(indicator=measure.indicators.get(), value=7)
    activity_services.activity_delete(activity=activity, user=coordinator)
    return "0 sur 19"


def _edit_approved_activity_value(plan, measure, coordinator):
    activity = ActivityFactory(measure=measure, date=date(2023, 6, 1))
    value = activity.values.create(indicator=measure.indicators.get(), value=7)
    value.value = 11
    value.save()
    return "11 sur 19"


def _renumber(plan, measure, coordinator):
    measure.number = "1.1.9"
    measure.save()
    plan_services.plan_renumber(plan=plan, user=coordinator)
    return '<span class="measure-number">1.1.1</span> Accueillir'


@pytest.mark.parametrize(
    "write",
    [
        _edit_target,
        _edit_measure,
        _rename_lead,
        _add_expense,
        _delete_approved_activity,
        _edit_approved_activity_value,
        _renumber,
    ],
)
def test_each_kind_of_write_shows_at_once(client, plan_a, measure, coordinator_a, write):
    first = get(client, plan_a.get_absolute_url())
    before = version(plan_a)

    shown = write(plan_a, measure, coordinator_a)

    assert version(plan_a) > before
    page = get(client, plan_a.get_absolute_url(), first["ETag"])
    assert page.status_code == 200
    assert shown in page.content.decode()


def test_an_event_linked_to_a_measure_shows_on_its_page(client, plan_a, measure):
    first = get(client, measure.get_absolute_url())
    event = EventFactory(table=plan_a.table, title="Jeudis Immigration : accueil")
    event.measures.add(measure)
    page = get(client, measure.get_absolute_url(), first["ETag"])
    assert page.status_code == 200
    assert "Jeudis Immigration : accueil" in page.content.decode()
    event.title = "Jeudis Immigration : l'emploi"
    event.save()
    assert "l&#x27;emploi" in get(client, measure.get_absolute_url()).content.decode()


def test_unpublishing_takes_the_pages_down_at_once(client, plan_a, measure, coordinator_a):
    first = get(client, plan_a.get_absolute_url())
    json = get(client, f"/fr/plans/{plan_a.slug}.json")
    plan_services.plan_unpublish(plan=plan_a, user=coordinator_a)
    assert get(client, plan_a.get_absolute_url(), first["ETag"]).status_code == 404
    assert get(client, f"/fr/plans/{plan_a.slug}.json", json["ETag"]).status_code == 404


def test_a_duplicate_is_bumped_after_its_bulk_copy(plan_a, measure, coordinator_a, monkeypatch):
    bumped = []
    original = plan_services.plans.plan_content_changed
    monkeypatch.setattr(
        plan_services.plans,
        "plan_content_changed",
        lambda *, plans: bumped.append(plans) or original(plans=plans),
    )
    new = plan_services.plan_duplicate_next_cycle(plan=plan_a, user=coordinator_a)
    # the copied tree goes in by bulk inserts, which send no signal: the service bumps itself
    assert bumped == [new]


def test_a_stale_plan_object_never_writes_an_older_version_back(plan_a, measure):
    stale = Plan.objects.get(pk=plan_a.pk)
    measure.title = "Nouveau titre"
    measure.save()
    bumped = version(plan_a)
    stale.title = "Plan revu"
    stale.save()
    assert version(plan_a) > bumped


def test_a_repeat_request_is_a_304_with_the_cache_headers(client, plan_a, measure):
    first = get(client, plan_a.get_absolute_url())
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first["Vary"]
    assert first["Last-Modified"]

    again = get(client, plan_a.get_absolute_url(), first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=60"

    since = client.get(plan_a.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    english = get(client, f"/en/plans/{plan_a.slug}/", first["ETag"])
    assert english.status_code == 200
    assert english["ETag"] != first["ETag"]
    json = get(client, f"/fr/plans/{plan_a.slug}.json")
    assert get(client, f"/fr/plans/{plan_a.slug}.json", json["ETag"]).status_code == 304


def test_a_logged_in_page_is_private_and_never_a_304(client, plan_a, measure, coordinator_a):
    anonymous = get(client, plan_a.get_absolute_url())
    client.force_login(coordinator_a)
    page = get(client, plan_a.get_absolute_url(), anonymous["ETag"])
    assert page.status_code == 200
    assert "private" in page["Cache-Control"]
    assert "public" not in page["Cache-Control"]
    assert "Cookie" in page["Vary"]
    assert not page.has_header("ETag")


def test_a_draft_preview_is_never_public(client, plan_a, measure, coordinator_a):
    Plan.objects.filter(pk=plan_a.pk).update(status=Plan.Status.DRAFT)
    assert get(client, plan_a.get_absolute_url()).status_code == 404
    client.force_login(coordinator_a)
    preview = get(client, plan_a.get_absolute_url())
    assert "Brouillon" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    assert "public" not in preview["Cache-Control"]
    assert not preview.has_header("ETag")


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_approved_activities(plan, count):
    measures = list(Measure.objects.of_plan(plan))
    for index in range(count):
        measure = measures[index % len(measures)]
        activity = ActivityFactory(measure=measure, date=date(2023, 1 + index % 12, 1 + index % 28))
        activity.values.create(indicator=measure.indicators.first(), value=2)


def test_the_plan_page_costs_at_most_ten_queries_and_as_many_at_ten_times_the_activities(
    client,
):
    plan = plan_with_measures(measures=6)
    url = plan.get_absolute_url()
    _add_approved_activities(plan, 6)
    cold_small = _count(client, url)
    warm_small = _count(client, url)
    assert warm_small <= 10

    _add_approved_activities(plan, 60)
    assert _count(client, url) <= cold_small  # the version changed: the tree is rendered again
    assert _count(client, url) <= warm_small
    filtered = url + "?statut=in_progress"
    assert _count(client, filtered) <= cold_small + 1


def test_the_next_visitor_gets_the_whole_page_from_the_shared_cache(
    client, plan_a, measure, django_assert_max_num_queries
):
    """A visitor without a copy of their own gets the page kept under its validator: the
    plan's version read once, nothing rendered; a write makes the next visitor's page anew."""
    first = get(client, plan_a.get_absolute_url())
    with django_assert_max_num_queries(1):
        again = get(client, plan_a.get_absolute_url())
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=60"

    measure.title = "Accueillir et accompagner"
    measure.save()
    changed = get(client, plan_a.get_absolute_url())
    assert "Accueillir et accompagner" in changed.content.decode()
    assert changed["ETag"] != first["ETag"]


def test_a_logged_in_visitor_never_gets_the_anonymous_copy(client, plan_a, measure, coordinator_a):
    get(client, plan_a.get_absolute_url())
    client.force_login(coordinator_a)
    page = get(client, plan_a.get_absolute_url())
    assert "Déconnexion" in page.content.decode()
    assert "private" in page["Cache-Control"]


def test_renumbering_a_plan_bumps_its_version_once_not_once_per_item(plan_a, coordinator_a):
    measures = [
        measure_in(plan_a, f"1.1.{9 - index}", title=f"Moyen {index}") for index in range(4)
    ]
    before = version(plan_a)
    with CaptureQueriesContext(connection) as queries:
        changed = plan_services.plan_renumber(plan=plan_a, user=coordinator_a)
    assert changed >= len(measures)
    assert version(plan_a) == before + 1
    bumps = [q for q in queries.captured_queries if '"content_version"' in q["sql"]]
    assert len([q for q in bumps if q["sql"].startswith("UPDATE")]) == 1
