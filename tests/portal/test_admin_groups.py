"""The admin's index and sidebar: five groups for coordinators and the ministry, Django's full
admin for superusers."""

import pytest
from django.contrib import admin
from django.urls import reverse

from portal.admin_groups import GROUPS, INTERNAL
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_registered_model_is_grouped_or_deliberately_internal():
    registered = {model._meta.label for model in admin.site._registry}
    grouped = [label for _, _, labels in GROUPS for label in labels]
    assert len(grouped) == len(set(grouped)), "a model is in two groups"
    assert set(grouped).isdisjoint(INTERNAL)
    assert registered - set(grouped) - set(INTERNAL) == set(), "group it or say why it is internal"
    assert (set(grouped) | set(INTERNAL)) - registered == set(), "a name that is no model"


def index_groups(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return [
        (str(app["name"]), [str(model["name"]) for model in app["models"]])
        for app in response.context["app_list"]
    ]


def test_coordinator_sees_five_groups_of_what_they_manage(client, coordinator_a):
    groups = index_groups(client, coordinator_a)
    assert groups == [
        ("Plan", ["Plans d'action", "Moyens d'action", "Dépenses réelles"]),
        ("Activités", ["Activités réalisées"]),
        (
            "Table et comités",
            [
                "Tables de concertation",
                "Comités",
                "Rencontres",
                "Sondages de dates",
                "Organisations",
                "Personnes",
                "Invitations",
                "Abonnés",
                "Messages à la liste",
                "Municipalités",
            ],
        ),
        ("Trousses", ["Trousses de diffusion"]),
        ("Événements", ["Événements", "Séries d'événements"]),
    ]
    shown = {name for _, names in groups for name in names}
    assert shown.isdisjoint({"Cibles", "Indicateurs", "Années du plan", "Axes", "Régions"})


def test_the_sidebar_shows_the_same_groups(client, coordinator_a, plan_a):
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_plan_changelist")).content.decode()
    sidebar = page[page.index('id="nav-sidebar"') :]
    assert "Table et comités" in sidebar
    assert 'class="app-plan module current-app"' in sidebar  # the plans' list is in « Plan »
    assert "Cibles" not in sidebar and "Régions administratives" not in sidebar


def test_an_internal_model_stays_reachable(client, coordinator_a, measure_a):
    from tests.factories import IndicatorFactory

    indicator = IndicatorFactory(measure=measure_a, label="Jeunes rejoints")
    client.force_login(coordinator_a)
    response = client.get(reverse("admin:actionplans_indicator_change", args=[indicator.pk]))
    assert "Jeunes rejoints" in response.content.decode()


def test_an_app_page_leaves_out_internal_models(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get(reverse("admin:app_list", args=["actionplans"]))
    names = [str(model["name"]) for app in response.context["app_list"] for model in app["models"]]
    assert names == ["Dépenses réelles", "Moyens d'action", "Plans d'action"]


def test_ministry_sees_what_it_reads_grouped_the_same_way(client, ministry):
    groups = dict(index_groups(client, ministry))
    assert list(groups) == ["Plan", "Activités", "Table et comités", "Trousses", "Événements"]
    assert "Plans d'action" in groups["Plan"]
    assert "Cibles" not in groups["Plan"]


def test_superuser_keeps_the_full_admin(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    groups = dict(index_groups(client, superuser))
    assert "Plan" not in groups and "Table et comités" not in groups
    assert "Cibles" in groups["Plans d'action"] and "Axes" in groups["Plans d'action"]
    assert groups["Authentification et autorisation"] == ["Groupes", "Utilisateurs"]
    assert "Régions administratives" in groups["Territoire"]
