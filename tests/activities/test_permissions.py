"""Permission matrix: each role × each action on its own and on others' reports.

Guessed URLs and forged POSTs answer 403 or 404, never the report."""

import pytest
from django.urls import reverse

from activities.models import Activity
from tests.factories import (
    ActivityFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TableFactory,
    coordinator_of,
    measure_in,
    ministry_user,
    partner_of,
)

pytestmark = pytest.mark.django_db
LOGIN = "/comptes/login/"


@pytest.fixture
def world(plan_a, table_a):
    cje = OrganisationFactory(name="CJE")
    measure = measure_in(plan_a, "1.1.1")
    measure.leads.add(cje)
    town = MunicipalityFactory(name="Fortierville")
    town_org = OrganisationFactory(
        name="Municipalité de Fortierville", kind="municipality", municipality=town
    )
    author = partner_of(cje, username="auteur@example.org")
    report = ActivityFactory(measure=measure, organisation=cje, author=author, status="submitted")
    report.municipalities.add(town)
    draft = ActivityFactory(measure=measure, organisation=cje, author=author, status="draft")
    users = {
        "anonymous": None,
        "partner_own": partner_of(cje, username="collegue@example.org"),
        "partner_other": partner_of(
            OrganisationFactory(name="Autre"), username="autre@example.org"
        ),
        "coordinator_own": coordinator_of(table_a, username="coord-a@example.org"),
        "coordinator_other": coordinator_of(TableFactory(), username="coord-b@example.org"),
        "ministry": ministry_user(username="mifi@example.org"),
        "municipality": partner_of(town_org, username="ville@example.org"),
    }
    return {"report": report, "draft": draft, "plan": plan_a, "measure": measure, "users": users}


OK, DENIED, LOGIN_REDIRECT, DONE = "ok", "denied", "login", "done"

MATRIX = {
    # role:              view,   create, edit,   submit, approve, export
    "anonymous": (LOGIN_REDIRECT,) * 6,
    "partner_own": (OK, OK, OK, DONE, DENIED, DENIED),
    "partner_other": (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
    "coordinator_own": (OK, OK, OK, DONE, DONE, OK),
    "coordinator_other": (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
    "ministry": (OK, DENIED, DENIED, DENIED, DENIED, OK),
    "municipality": (DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
}
ACTIONS = ("view", "create", "edit", "submit", "approve", "export")


def perform(client, action, world):
    report, draft, plan = world["report"], world["draft"], world["plan"]
    if action == "view":
        return client.get(reverse("activities:detail", args=[report.pk]))
    if action == "create":
        return client.get(reverse("activities:create"), {"mesure": world["measure"].pk})
    if action == "edit":
        return client.post(reverse("activities:update", args=[report.pk]), {"title": "piraté"})
    if action == "submit":
        return client.post(reverse("activities:submit", args=[draft.pk]))
    if action == "approve":
        return client.post(
            reverse("activities:approve", args=[report.pk]), {"version": report.version}
        )
    return client.get(reverse("activities:export", args=[plan.slug]))


@pytest.mark.parametrize("role", MATRIX)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(client, world, role, action):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    expected = MATRIX[role][ACTIONS.index(action)]
    response = perform(client, action, world)
    world["report"].refresh_from_db()
    world["draft"].refresh_from_db()
    if expected == LOGIN_REDIRECT:
        assert response.status_code == 302 and LOGIN in response["Location"]
    elif expected == DENIED:
        assert response.status_code in {403, 404}
        assert world["report"].title != "piraté"
        assert world["report"].status == "submitted"
        assert world["draft"].status == "draft"
    elif expected == OK:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
    if action == "approve" and expected == DONE:
        assert world["report"].status == "approved"
    if action == "submit" and expected == DONE:
        assert world["draft"].status == "submitted"


def test_municipality_contact_sees_approved_activities_in_their_municipality(client, world):
    report = world["report"]
    client.force_login(world["users"]["municipality"])
    url = reverse("activities:detail", args=[report.pk])
    assert client.get(url).status_code == 404  # still under review
    Activity.objects.filter(pk=report.pk).update(status="approved")
    page = client.get(url).content.decode()
    assert report.title in page
    assert "Modifier" not in page and "Approuver" not in page


def test_refusals_carry_a_translated_reason(client, world):
    client.force_login(world["users"]["partner_other"])
    response = client.get(reverse("activities:create"))
    assert response.status_code == 403
    assert (
        "Votre compte n&#x27;est rattaché à aucun moyen d&#x27;action." in response.content.decode()
    )
    client.force_login(world["users"]["ministry"])
    response = client.post(reverse("activities:approve", args=[world["report"].pk]))
    assert "Seule la coordination de la table approuve les activités." in response.content.decode()
