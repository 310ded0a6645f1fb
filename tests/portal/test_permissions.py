"""The named checks of portal/permissions.py, tested directly."""

import pytest

from actionplans.models import Plan
from kits.models import Kit
from portal import permissions
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
    assert list(permissions.reportable_measures(setting["partner"])) == [measure]
    assert not permissions.reportable_measures(setting["other_partner"]).exists()
    assert measure_b not in permissions.reportable_measures(setting["coordinator"])


def test_editing_and_reviewing(setting):
    report = setting["report"]
    assert permissions.can_edit_activity(setting["partner"], report)
    assert not permissions.can_review_activity(setting["partner"], report)
    assert permissions.can_review_activity(setting["coordinator"], report)
    assert not permissions.can_review_activity(setting["other_coordinator"], report)
    assert not permissions.can_review_activity(setting["ministry"], report)
    assert not permissions.can_edit_activity(setting["other_partner"], report)
    report.is_deleted = True
    assert not permissions.can_edit_activity(setting["coordinator"], report)


def test_visible_reports(setting):
    report = setting["report"]
    assert report in permissions.visible_activities(setting["ministry"])
    assert report in permissions.visible_activities(setting["partner"])
    assert report not in permissions.visible_activities(setting["other_coordinator"])
    assert not permissions.visible_activities(UserFactory()).exists()


def test_full_reports_and_exports(setting, plan_a):
    assert permissions.can_view_full_report(setting["ministry"], plan_a)
    assert permissions.can_view_full_report(setting["coordinator"], plan_a)
    assert not permissions.can_view_full_report(setting["other_coordinator"], plan_a)
    assert not permissions.can_view_full_report(setting["partner"], plan_a)
    assert set(permissions.plans_with_full_reports(setting["other_coordinator"])) == set(
        Plan.objects.filter(table__slug="table-b")
    )
    assert permissions.can_export_activities(setting["ministry"], plan_a.table_id)
    assert not permissions.can_export_activities(setting["partner"], plan_a.table_id)


def test_kit_adoption_is_marked_by_the_municipality_or_its_table(table_a, table_b):
    town = MunicipalityFactory(mrc=table_a.mrcs.first())
    kit = Kit.objects.create(table=table_a, number=1, title="Trousse", slug="trousse")
    contact = partner_of(
        OrganisationFactory(kind="municipality", municipality=town), username="v@example.org"
    )
    assert permissions.can_mark_adoption(contact, kit, town)
    assert not permissions.can_mark_adoption(contact, kit, MunicipalityFactory())
    assert permissions.can_mark_adoption(
        coordinator_of(table_a, username="a@example.org"), kit, town
    )
    assert not permissions.can_mark_adoption(
        coordinator_of(table_b, username="z@example.org"), kit, town
    )
    assert not permissions.can_mark_adoption(UserFactory(is_active=False), kit, town)


def test_roles_are_computed_once_per_user_object(setting, django_assert_num_queries):
    user = setting["coordinator"]
    permissions.forget_roles(user)
    with django_assert_num_queries(3):
        permissions.is_coordinator(user)
    with django_assert_num_queries(0):
        permissions.is_ministry(user)
        permissions.organisation_id(user)
