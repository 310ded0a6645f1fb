"""A coordinator sees and changes only their table's objects; the ministry reads everything."""

import json

import pytest
from django.urls import reverse

from actionplans.models import Plan
from tests.builders import management
from tests.factories import EventFactory, IndicatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def objects_b(plan_b, measure_b, table_b):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from events.models import EventSeries
    from kits.models import Kit, KitAdoption
    from meetings.models import Meeting
    from partners.models import Invitation
    from tests.factories import (
        ActivityFactory,
        CommitteeFactory,
        MembershipFactory,
        MunicipalityFactory,
        TargetFactory,
    )

    indicator = IndicatorFactory(measure=measure_b, label="Indicateur secret B")
    event = EventFactory(table=table_b, title="Événement secret B")
    kit = Kit.objects.create(table=table_b, number=1, title="Trousse secrète B", slug="trousse-b")
    user = UserFactory()
    return [
        table_b,
        plan_b,
        plan_b.axes.first(),
        measure_b.objective,
        measure_b,
        indicator,
        event,
        TargetFactory(indicator=indicator, year=plan_b.years.first(), text="Cible secrète B"),
        CommitteeFactory(table=table_b, name="Comité secret B"),
        MembershipFactory(table=table_b, role="Rôle secret B"),
        Meeting.objects.create(
            table=table_b, starts_at=datetime(2025, 1, 9, 10, tzinfo=ZoneInfo("UTC"))
        ),
        EventSeries.objects.create(table=table_b, title="Série secrète B", slug="serie-b"),
        ActivityFactory(measure=measure_b, title="Activité secrète B"),
        kit,
        KitAdoption.objects.create(kit=kit, municipality=MunicipalityFactory(), status="done"),
        Invitation.objects.create(
            email="secret-b@example.org",
            organisation=table_b.carrier,
            role="partner",
            table=table_b,
            user=user,
        ),
    ]


def test_anonymous_is_sent_to_login(client, plan_a):
    response = client.get(change_url(plan_a))
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/comptes/login/?next=/fr/admin/")


def test_a_staff_user_without_a_role_is_refused(client, plan_a):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(changelist_url(Plan)).status_code == 403


def test_coordinator_gets_404_on_every_object_of_another_table(client, coordinator_a, objects_b):
    client.force_login(coordinator_a)
    for obj in objects_b:
        assert client.get(change_url(obj)).status_code == 404, obj
        history = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk]
        )
        assert client.get(history).status_code in {403, 404}, obj
        assert client.post(change_url(obj), {"title": "piraté"}).status_code == 404, obj
        delete = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk]
        )
        assert client.post(delete, {"post": "yes"}).status_code in {403, 404}, obj
        assert type(obj).objects.filter(pk=obj.pk).exists(), obj


def test_coordinator_lists_only_their_table(client, coordinator_a, measure_a, objects_b):
    client.force_login(coordinator_a)
    for obj in objects_b[1:]:
        page = client.get(changelist_url(type(obj))).content.decode()
        assert str(obj) not in page, obj
    page = client.get(changelist_url(Plan)).content.decode()
    assert "Plan de la table A" in page
    assert "Plan de la table B" not in page


def test_filters_and_choices_do_not_leak_other_tables(client, coordinator_a, measure_a, objects_b):
    client.force_login(coordinator_a)
    measures = client.get(changelist_url(type(measure_a))).content.decode()
    assert "Plan de la table B" not in measures
    add_event = client.get(reverse("admin:events_event_add")).content.decode()
    assert "Table B" not in add_event
    assert "Table A" in add_event


def test_autocomplete_is_scoped(client, coordinator_a, measure_a, objects_b):
    client.force_login(coordinator_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "event", "field_name": "measures", "term": "Mesure"},
    )
    titles = [row["text"] for row in json.loads(response.content)["results"]]
    assert any("table A" in title for title in titles)
    assert not any("table B" in title for title in titles)


def test_forged_post_cannot_move_a_plan_to_another_table(client, coordinator_a, plan_a, table_b):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("admin:actionplans_plan_add"),
        {
            "table": table_b.pk,
            "title": "Plan forgé",
            "slug": "plan-forge",
            "status": "draft",
            "start_date": "2025-04-01",
            "end_date": "2028-03-31",
            "funding_programme": "PAC",
            "general_objective": "",
            **management("years", 0, 0),
            **management("axes", 0, 0),
            **management("expenses", 0, 0),
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Plan.objects.filter(slug="plan-forge").exists()


def test_a_plan_added_without_an_identifier_takes_its_title_s(client, coordinator_a, plan_a):
    """Without JavaScript nothing fills the identifier from the title: the save does."""
    client.force_login(coordinator_a)
    data = {
        "table": plan_a.table_id,
        "title": "Plan d'action 2025-2028",
        "slug": "",
        "status": "draft",
        "start_date": "2025-04-01",
        "end_date": "2028-03-31",
        "funding_programme": "PAC",
        "general_objective": "",
        **management("years", 0, 0),
        **management("axes", 0, 0),
        **management("expenses", 0, 0),
    }
    client.post(reverse("admin:actionplans_plan_add"), data)
    client.post(reverse("admin:actionplans_plan_add"), data)
    slugs = set(Plan.objects.filter(title="Plan d'action 2025-2028").values_list("slug", flat=True))
    assert slugs == {"plan-daction-2025-2028", "plan-daction-2025-2028-2"}


def test_coordinator_creates_a_plan_for_their_table_and_gets_its_years(
    client, coordinator_a, table_a
):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("admin:actionplans_plan_add"),
        {
            "table": table_a.pk,
            "title": "Plan 2025-2028",
            "slug": "plan-2025-2028",
            "status": "draft",
            "start_date": "2025-04-01",
            "end_date": "2028-03-31",
            "funding_programme": "PAC",
            "general_objective": "",
            **management("years", 0, 0),
            **management("axes", 1, 0),
            "axes-0-number": "1",
            "axes-0-title": "Accompagner les personnes immigrantes",
            **management("expenses", 0, 0),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(slug="plan-2025-2028")
    assert plan.axes.get().title == "Accompagner les personnes immigrantes"
    assert [str(year) for year in plan.years.all()] == [
        "An 1 (2025-2026)",
        "An 2 (2026-2027)",
        "An 3 (2027-2028)",
    ]


def test_plan_dates_in_the_wrong_order_get_a_french_message(client, coordinator_a, table_a):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("admin:actionplans_plan_add"),
        {
            "table": table_a.pk,
            "title": "Plan à l'envers",
            "slug": "plan-envers",
            "status": "draft",
            "start_date": "2025-04-01",
            "end_date": "2022-03-31",
            **management("years", 0, 0),
            **management("axes", 0, 0),
            **management("expenses", 0, 0),
        },
    )
    assert "La fin du plan doit suivre son début." in response.content.decode()
    assert not Plan.objects.filter(slug="plan-envers").exists()


def test_ministry_reads_every_table_but_changes_nothing(client, ministry, plan_a, plan_b):
    client.force_login(ministry)
    page = client.get(changelist_url(Plan)).content.decode()
    assert "Plan de la table A" in page and "Plan de la table B" in page
    detail = client.get(change_url(plan_b))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    response = client.post(change_url(plan_b), {"title": "modifié"})
    assert response.status_code == 403
    plan_b.refresh_from_db()
    assert plan_b.title == "Plan de la table B"
    assert client.get(reverse("admin:actionplans_plan_add")).status_code == 403
