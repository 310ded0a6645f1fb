"""What a user is, read once per request: the facts every app's rule book builds on.

- superuser: everything;
- coordinator: a staff account listed in ``Table.coordinators``; manages that table's objects;
- ministry: a member of the ``ministry`` group; reads every table, changes nothing;
- partner: an account whose ``Person`` belongs to an organisation;
- municipality contact: the designated person of a municipality (or a person of a municipality's
  own organisation).
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist

MINISTRY_GROUP = "ministry"


@dataclass(frozen=True)
class Roles:
    ministry: bool = False
    tables: frozenset = frozenset()
    organisation: int | None = None
    municipalities: frozenset = frozenset()


NOBODY = Roles()


def roles_of(user):
    """Role facts for ``user``, computed once per user object (one request)."""
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        roles = NOBODY
    else:
        try:
            person = user.person
        except ObjectDoesNotExist:
            person = None
        municipalities = set()
        if person is not None:
            municipalities |= set(person.municipalities_contact.values_list("pk", flat=True))
            organisation = person.organisation
            if organisation.kind == "municipality" and organisation.municipality_id:
                municipalities.add(organisation.municipality_id)
        roles = Roles(
            ministry=user.groups.filter(name=MINISTRY_GROUP).exists(),
            tables=frozenset(user.coordinated_tables.values_list("pk", flat=True)),
            organisation=person.organisation_id if person else None,
            municipalities=frozenset(municipalities),
        )
    user._portal_roles = roles
    return roles


def forget_roles(user):
    """Drop the cached role facts (after an invitation or a role change)."""
    user.__dict__.pop("_portal_roles", None)


def ministry_group():
    group, _ = Group.objects.get_or_create(name=MINISTRY_GROUP)
    return group


def is_superuser(user):
    return user.is_active and user.is_superuser


def is_ministry(user):
    return roles_of(user).ministry


def coordinated_table_ids(user):
    return roles_of(user).tables


def is_coordinator(user):
    return bool(coordinated_table_ids(user))


def sees_all_tables(user):
    return is_superuser(user) or is_ministry(user)


def is_staff_role(user):
    """Superusers, coordinators and ministry staff: the back office's people."""
    return is_superuser(user) or is_ministry(user) or is_coordinator(user)


def organisation_id(user):
    """The organisation a partner (or municipality contact) belongs to, through their person."""
    return roles_of(user).organisation


def municipality_ids(user):
    return roles_of(user).municipalities
