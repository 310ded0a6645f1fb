"""The partners' rule book, and the predicates every other rule book builds on.

A predicate receives the user and, when there is one, the object; without an object it answers
for the model in general (the admin's list and add pages ask that way).
"""

import rules

from partners import roles
from partners.models import Organisation, Table
from partners.scoping import table_id_of

is_superuser = rules.predicate(roles.is_superuser, name="is_superuser")
is_ministry = rules.predicate(roles.is_ministry, name="is_ministry")
is_coordinator = rules.predicate(roles.is_coordinator, name="is_coordinator")
is_staff_role = rules.predicate(roles.is_staff_role, name="is_staff_role")


@rules.predicate
def coordinates_owner(user, obj=None):
    """A coordinator of the table that owns ``obj`` (of any table, when none is named)."""
    tables = roles.coordinated_table_ids(user)
    if obj is None:
        return bool(tables)
    return table_id_of(obj) in tables


reads_table_data = is_superuser | is_ministry | coordinates_owner
manages_table_data = is_superuser | coordinates_owner


def add_table_owned_perms(app_label, *model_names):
    """The back office's rule for table-owned models: the table's coordinators manage them,
    the ministry reads every table's, superusers do everything."""
    for name in model_names:
        rules.add_perm(f"{app_label}.view_{name}", reads_table_data)
        for action in ("add", "change", "delete"):
            rules.add_perm(f"{app_label}.{action}_{name}", manages_table_data)


@rules.predicate
def coordinates_a_table_of(user, organisation=None):
    """A coordinator of a table the organisation carries or is a member of."""
    tables = roles.coordinated_table_ids(user)
    if organisation is None:
        return bool(tables)
    return Organisation.objects.of_tables(tables).filter(pk=organisation.pk).exists()


@rules.predicate
def coordinates_a_table_of_person(user, person=None):
    if person is None:
        return roles.is_coordinator(user)
    return coordinates_a_table_of.test(user, person.organisation)


@rules.predicate
def is_invitee(user, invitation=None):
    """The account an invitation was sent to (asked about one invitation, never in general)."""
    return (
        invitation is not None
        and user.is_authenticated
        and user.is_active
        and invitation.user_id == user.pk
    )


@rules.predicate
def is_back_office_account(user, account=None):
    """The account asked about (one being invited) belongs to the back office: a superuser,
    a staff account, a coordinator or ministry staff."""
    if account is None:
        return False
    return account.is_superuser or account.is_staff or roles.is_staff_role(account)


@rules.predicate
def covers_municipality(user, municipality=None):
    """A coordinator of a table whose territory includes the municipality."""
    tables = roles.coordinated_table_ids(user)
    if municipality is None:
        return bool(tables)
    return Table.objects.filter(pk__in=tables, mrcs=municipality.mrc_id).exists()


# Shared registries: every back-office role reads them; an organisation is changed by the
# coordinators of its own tables, a person's account and organisation by superusers only
# (PersonAdmin shows them read-only to coordinators); only superusers delete.
rules.add_perm("partners.view_organisation", is_staff_role)
rules.add_perm("partners.add_organisation", is_superuser | is_coordinator)
rules.add_perm("partners.change_organisation", is_superuser | coordinates_a_table_of)
rules.add_perm("partners.delete_organisation", is_superuser)
rules.add_perm("partners.view_person", is_staff_role)
rules.add_perm("partners.add_person", is_superuser | is_coordinator)
rules.add_perm("partners.change_person", is_superuser | coordinates_a_table_of_person)
rules.add_perm("partners.delete_person", is_superuser)

# Tables: created and deleted by superusers; their coordinators change them, but what a table
# covers and who carries and coordinates it (its MRCs, carrier, coordinators) are the
# superusers' to set: a coordinator who added an MRC would manage its municipalities, one who
# changed the carrier would manage that organisation and invite into it.
rules.add_perm("partners.view_table", reads_table_data)
rules.add_perm("partners.add_table", is_superuser)
rules.add_perm("partners.change_table", manages_table_data)
rules.add_perm("partners.change_table_scope", is_superuser)
rules.add_perm("partners.delete_table", is_superuser)
add_table_owned_perms("partners", "committee", "membership")

# Invitations are sent from the web page (to the table's organisations) and kept as a record.
rules.add_perm("partners.invite_to_table", manages_table_data)
# An existing account may be invited by a coordinator unless it belongs to the back office:
# accepting would move a superuser's, coordinator's or ministry account into an organisation
# (what it sees), which is the superusers' to decide. ``manage.py invite`` asks nobody.
rules.add_perm("partners.invite_account", is_superuser | (is_coordinator & ~is_back_office_account))
rules.add_perm("partners.view_invitation", reads_table_data)
rules.add_perm("partners.add_invitation", rules.always_deny)
rules.add_perm("partners.change_invitation", rules.always_deny)
rules.add_perm("partners.delete_invitation", is_superuser)
# An invitation to an existing account is accepted or declined by that account only.
rules.add_perm("partners.answer_invitation", is_invitee)

# Geography (the municipalities app sits below partners, so its rules are written here, where
# the tables' territories are known): read by the back office; a municipality's page details
# (website, designated contact) are kept by the coordinators whose territory includes it.
for name in ("region", "mrc", "municipality"):
    rules.add_perm(f"municipalities.view_{name}", is_staff_role)
    rules.add_perm(f"municipalities.add_{name}", is_superuser)
    rules.add_perm(f"municipalities.delete_{name}", is_superuser)
rules.add_perm("municipalities.change_region", is_superuser)
rules.add_perm("municipalities.change_mrc", is_superuser)
rules.add_perm("municipalities.change_municipality", is_superuser | covers_municipality)
