"""Who may do what, in one place; used by views, the admin and templates alike.

Roles:
- superuser: everything;
- coordinator: a staff user listed in ``Table.coordinators``; manages that table's objects;
- ministry: a member of the ``ministry`` group; reads every table, changes nothing.
"""

from django.contrib.auth.models import Group

MINISTRY_GROUP = "ministry"


def _roles(user):
    """Role facts for ``user``, computed once per request-bound user object."""
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        roles = {"ministry": False, "tables": frozenset()}
    else:
        roles = {
            "ministry": user.groups.filter(name=MINISTRY_GROUP).exists(),
            "tables": frozenset(user.coordinated_tables.values_list("pk", flat=True)),
        }
    user._portal_roles = roles
    return roles


def ministry_group():
    group, _ = Group.objects.get_or_create(name=MINISTRY_GROUP)
    return group


def is_ministry(user):
    return _roles(user)["ministry"]


def coordinated_table_ids(user):
    return _roles(user)["tables"]


def is_coordinator(user):
    return bool(coordinated_table_ids(user))


def sees_all_tables(user):
    return user.is_active and (user.is_superuser or is_ministry(user))


def can_use_admin(user):
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or is_ministry(user) or is_coordinator(user))
    )


def can_view_table(user, table_id):
    return sees_all_tables(user) or table_id in coordinated_table_ids(user)


def can_manage_table(user, table_id):
    """Coordinators change their own tables' objects; the ministry only reads."""
    if not user.is_active:
        return False
    return user.is_superuser or table_id in coordinated_table_ids(user)
