"""The rule books (``<app>/rules.py``), asked as the views and the admin ask them."""

import pytest

from actionplans.models import Plan
from activities.models import Activity
from activities.selectors import reportable_measures
from kits.models import Kit, KitAdoption
from partners import roles
from tests.factories import (
    ActivityFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    coordinator_of,
    measure_in,
    ministry_user,
    partner_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(plan_a, table_b):
    org = OrganisationFactory()
    measure = measure_in(plan_a, "1.1.1")
    measure.partners.add(org)
    report = ActivityFactory(measure=measure, organisation=org, status="submitted")
    return {
        "report": report,
        "partner": partner_of(org, username="p@example.org"),
        "other_partner": partner_of(OrganisationFactory(), username="o@example.org"),
        "coordinator": coordinator_of(plan_a.table, username="c@example.org"),
        "other_coordinator": coordinator_of(table_b, username="b@example.org"),
        "ministry": ministry_user(username="m@example.org"),
    }


def test_reportable_measures_follow_leads_and_partners(setting, measure_b):
    measure = setting["report"].measure
    assert list(reportable_measures(setting["partner"])) == [measure]
    assert not reportable_measures(setting["other_partner"]).exists()
    assert measure_b not in reportable_measures(setting["coordinator"])


def test_editing_and_reviewing(setting):
    report = setting["report"]
    assert setting["partner"].has_perm("activities.change_activity", report)
    assert not setting["partner"].has_perm("activities.review_activity", report)
    assert setting["coordinator"].has_perm("activities.review_activity", report)
    assert not setting["other_coordinator"].has_perm("activities.review_activity", report)
    assert not setting["ministry"].has_perm("activities.review_activity", report)
    assert not setting["other_partner"].has_perm("activities.change_activity", report)
    report.is_deleted = True
    assert not setting["coordinator"].has_perm("activities.change_activity", report)


def test_visible_reports(setting):
    report = setting["report"]
    assert report in Activity.objects.for_user(setting["ministry"])
    assert report in Activity.objects.for_user(setting["partner"])
    assert report not in Activity.objects.for_user(setting["other_coordinator"])
    assert not Activity.objects.for_user(UserFactory()).exists()


def test_full_reports_and_exports(setting, plan_a):
    assert setting["ministry"].has_perm("accountability.view_full_report", plan_a)
    assert setting["coordinator"].has_perm("accountability.view_full_report", plan_a)
    assert not setting["other_coordinator"].has_perm("accountability.view_full_report", plan_a)
    assert not setting["partner"].has_perm("accountability.view_full_report", plan_a)
    assert set(Plan.objects.readable_by(setting["other_coordinator"])) == set(
        Plan.objects.filter(table__slug="table-b")
    )
    assert setting["ministry"].has_perm("activities.export_activities", plan_a)
    assert not setting["partner"].has_perm("activities.export_activities", plan_a)


def test_kit_adoption_is_marked_by_the_municipality_or_its_table(table_a, table_b):
    town = MunicipalityFactory(mrc=table_a.mrcs.first())
    kit = Kit.objects.create(table=table_a, number=1, title="Trousse", slug="trousse")
    contact = partner_of(
        OrganisationFactory(kind="municipality", municipality=town), username="v@example.org"
    )
    assert (contact).has_perm("kits.mark_adoption", KitAdoption(kit=kit, municipality=town))
    assert not (contact).has_perm(
        "kits.mark_adoption", KitAdoption(kit=kit, municipality=MunicipalityFactory())
    )
    assert (coordinator_of(table_a, username="a@example.org")).has_perm(
        "kits.mark_adoption", KitAdoption(kit=kit, municipality=town)
    )
    assert not (coordinator_of(table_b, username="z@example.org")).has_perm(
        "kits.mark_adoption", KitAdoption(kit=kit, municipality=town)
    )
    assert not (UserFactory(is_active=False)).has_perm(
        "kits.mark_adoption", KitAdoption(kit=kit, municipality=town)
    )


def test_roles_are_computed_once_per_user_object(setting, django_assert_num_queries):
    user = setting["coordinator"]
    roles.forget_roles(user)
    with django_assert_num_queries(3):
        roles.is_coordinator(user)
    with django_assert_num_queries(0):
        roles.is_ministry(user)
        roles.organisation_id(user)


def test_a_tables_scope_is_set_by_superusers_only(setting, plan_a, table_b):
    table = plan_a.table
    superuser = UserFactory(username="su@example.org", is_staff=True, is_superuser=True)
    assert setting["coordinator"].has_perm("partners.change_table", table)
    assert not setting["coordinator"].has_perm("partners.change_table_scope", table)
    assert not setting["ministry"].has_perm("partners.change_table_scope", table)
    assert not setting["other_coordinator"].has_perm("partners.change_table_scope", table_b)
    assert superuser.has_perm("partners.change_table_scope", table)


def test_back_office_accounts_are_invited_by_superusers_only(setting):
    coordinator = setting["coordinator"]
    superuser = UserFactory(username="su@example.org", is_staff=True, is_superuser=True)
    assert coordinator.has_perm("partners.invite_account", setting["other_partner"])
    assert coordinator.has_perm("partners.invite_account", UserFactory())
    for account in (
        superuser,
        setting["other_coordinator"],
        setting["ministry"],
        UserFactory(is_staff=True),
    ):
        assert not coordinator.has_perm("partners.invite_account", account)
        assert superuser.has_perm("partners.invite_account", account)
    assert not setting["partner"].has_perm("partners.invite_account", UserFactory())
