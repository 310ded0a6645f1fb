"""The tenant-isolation leaks found when the portal was tried as new users would, one test each
(issue "One rule book"). Each failed before the rule books; each names what a user would see."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from activities.models import Activity
from partners.models import Organisation
from tests.factories import (
    ActivityFactory,
    EventFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    UserFactory,
    coordinator_of,
    measure_in,
    ministry_user,
    partner_of,
)

pytestmark = pytest.mark.django_db


def admin_url(obj, view="change"):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def test_1_another_tables_organisation_cannot_be_changed(client, coordinator_a, table_b):
    theirs = OrganisationFactory(name="Organisme de la table B", slug="org-b")
    MembershipFactory(table=table_b, organisation=theirs)
    client.force_login(coordinator_a)
    assert "Organisme de la table B" in client.get(admin_url(theirs)).content.decode()
    response = client.post(admin_url(theirs), {"name": "Piraté", "slug": "org-b", "kind": "other"})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=theirs.pk).name == "Organisme de la table B"


def test_1_their_own_members_remain_editable(client, coordinator_a, table_a):
    ours = OrganisationFactory(name="Organisme de la table A", slug="org-a")
    MembershipFactory(table=table_a, organisation=ours)
    client.force_login(coordinator_a)
    response = client.post(
        admin_url(ours),
        {
            "name": "Organisme A renommé",
            "slug": "org-a",
            "kind": "other",
            "people-TOTAL_FORMS": 0,
            "people-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organisation.objects.get(pk=ours.pk).name == "Organisme A renommé"


def test_2_invitations_offer_only_the_tables_organisations(client, coordinator_a, table_a):
    MembershipFactory(table=table_a, organisation=OrganisationFactory(name="Membre de A"))
    OrganisationFactory(name="Étrangère à A")
    client.force_login(coordinator_a)
    page = client.get(reverse("invite")).content.decode()
    assert "Membre de A" in page
    assert "Étrangère à A" not in page


@pytest.fixture
def submitted(measure_a, table_a):
    org = OrganisationFactory(name="CJE")
    MembershipFactory(table=table_a, organisation=org)
    measure_a.partners.add(org)
    return ActivityFactory(measure=measure_a, organisation=org, status="submitted", title="Soumise")


def test_3_the_admin_cannot_change_a_status_nor_hard_delete(client, coordinator_a, submitted):
    client.force_login(coordinator_a)
    page = client.get(admin_url(submitted)).content.decode()
    assert 'name="status"' not in page and 'name="is_deleted"' not in page
    assert 'name="review_comment"' not in page
    response = client.post(admin_url(submitted), {"status": "approved", "is_deleted": ""})
    assert response.status_code == 403
    client.post(admin_url(submitted, "delete"), {"post": "yes"})
    activity = Activity.objects.get(pk=submitted.pk)  # still there: deleted softly
    assert activity.status == "submitted" and activity.is_deleted
    assert activity.history.first().history_change_reason.startswith("Supprimée par")


def test_3_the_status_changes_only_through_its_transitions(submitted, coordinator_a):
    with pytest.raises(AttributeError):
        submitted.status = "approved"
    from activities.services import activity_approve

    activity_approve(activity=submitted, reviewer=coordinator_a)
    submitted.refresh_from_db()
    assert submitted.status == "approved" and submitted.reviewed_by == coordinator_a
    assert submitted.history.first().history_change_reason == "Approuvée"


def test_4_a_person_cannot_be_moved_by_a_coordinator(client, coordinator_a, table_a, table_b):
    ours = OrganisationFactory(name="Membre de A")
    MembershipFactory(table=table_a, organisation=ours)
    theirs = OrganisationFactory(name="Membre de B")
    MembershipFactory(table=table_b, organisation=theirs)
    person = PersonFactory(organisation=ours, user=UserFactory(), title="Agente")
    client.force_login(coordinator_a)
    page = client.get(admin_url(person)).content.decode()
    assert 'name="organisation"' not in page and 'name="user"' not in page
    client.post(admin_url(person), {"title": "Agente", "organisation": theirs.pk})
    person.refresh_from_db()
    assert person.organisation == ours


def test_4_a_coordinator_cannot_edit_their_own_person(client, table_a, table_b):
    theirs = OrganisationFactory(name="Membre de B")
    MembershipFactory(table=table_b, organisation=theirs)
    coordinator = coordinator_of(table_a, username="c@example.org")
    me = PersonFactory(organisation=OrganisationFactory(), user=coordinator, title="Coordination")
    client.force_login(coordinator)
    assert client.post(admin_url(me), {"title": "X", "organisation": theirs.pk}).status_code in {
        403,
        404,
    }
    me.refresh_from_db()
    assert me.organisation != theirs


@pytest.mark.parametrize("name", ["activities:review_queue", "invite", "accountability:home"])
def test_5_staff_without_two_factor_reach_only_its_set_up(client, settings, coordinator_a, name):
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(coordinator_a)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    set_up = client.get(reverse("mfa_activate_totp"))  # reachable (after re-entering the password)
    assert set_up.status_code == 200 or set_up["Location"].startswith(
        reverse("account_reauthenticate")
    )
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get(reverse("home")).status_code == 200  # public pages stay open
    Authenticator.objects.create(
        user=coordinator_a, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    assert client.get(reverse(name)).status_code == 200


def test_5_the_activity_page_and_its_approve_form_need_two_factor(
    client, settings, coordinator_a, submitted
):
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(coordinator_a)
    detail = reverse("activities:detail", args=[submitted.pk])
    assert client.get(detail)["Location"] == reverse("mfa_activate_totp")
    client.post(reverse("activities:approve", args=[submitted.pk]))
    assert Activity.objects.get(pk=submitted.pk).status == "submitted"


def test_6_the_add_measure_page_offers_only_the_tables_plan_years(
    client, coordinator_a, plan_a, plan_b
):
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_measure_add")).content.decode()
    offered = page.count('name="years"')
    assert offered == plan_a.years.count() == 3  # not table B's three years too


def test_7_municipality_pages_show_no_activity_of_a_draft_plan(client, table_a):
    town = MunicipalityFactory(name="Fortierville", slug="fortierville")
    draft = PlanFactory(table=table_a, status="draft", slug="brouillon")
    published = PlanFactory(table=table_a, slug="publie")
    hidden = ActivityFactory(measure=measure_in(draft, "1.1.1"), title="Activité d'un brouillon")
    shown = ActivityFactory(measure=measure_in(published, "1.1.1"), title="Activité publiée")
    hidden.municipalities.add(town)
    shown.municipalities.add(town)
    page = client.get(reverse("municipality_detail", args=["fortierville"])).content.decode()
    assert "Activité publiée" in page
    assert "Activité d'un brouillon" not in page


def test_7_a_municipality_contact_cannot_open_a_draft_measures_activity(client, table_b):
    town = MunicipalityFactory()
    contact = partner_of(OrganisationFactory(kind="municipality", municipality=town))
    draft = PlanFactory(table=table_b, status="draft")
    activity = ActivityFactory(measure=measure_in(draft, "1.1.1"), title="Brouillon de B")
    activity.municipalities.add(town)
    client.force_login(contact)
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 404


def test_8_the_ministry_cannot_revert_a_version(client, table_a):
    event = EventFactory(table=table_a, title="Avant")
    event.title = "Après"
    event.save()
    version = event.history.last()
    client.force_login(ministry_user(username="m@example.org"))
    url = reverse("admin:events_event_simple_history", args=[event.pk, version.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Avant", "table": table_a.pk})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.title == "Après"


def test_8_view_on_site_refuses_another_tables_draft(client, coordinator_a, table_b):
    draft = PlanFactory(table=table_b, status="draft", slug="brouillon-secret")
    client.force_login(coordinator_a)
    content_type = ContentType.objects.get_for_model(draft)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, draft.pk]))
    assert response.status_code == 404
    assert "brouillon-secret" not in response.get("Location", "")


def test_8_view_on_site_links_to_this_site(client, coordinator_a, plan_a):
    client.force_login(coordinator_a)
    page = client.get(admin_url(plan_a)).content.decode()
    assert f'href="{plan_a.get_absolute_url()}"' in page
    assert "example.com" not in page
