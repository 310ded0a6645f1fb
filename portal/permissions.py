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
        roles = {
            "ministry": False,
            "tables": frozenset(),
            "organisation": None,
            "municipalities": frozenset(),
        }
    else:
        from partners.models import Person

        person = Person.objects.filter(user=user).select_related("organisation").first()
        municipalities = set()
        if person is not None:
            municipalities |= set(person.municipalities_contact.values_list("pk", flat=True))
            if person.organisation.kind == "municipality" and person.organisation.municipality_id:
                municipalities.add(person.organisation.municipality_id)
        roles = {
            "ministry": user.groups.filter(name=MINISTRY_GROUP).exists(),
            "tables": frozenset(user.coordinated_tables.values_list("pk", flat=True)),
            "organisation": person.organisation_id if person else None,
            "municipalities": frozenset(municipalities),
        }
    user._portal_roles = roles
    return roles


def forget_roles(user):
    """Drop the cached role facts (after an invitation or a role change)."""
    user.__dict__.pop("_portal_roles", None)


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


def has_mfa(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa(user):
    """Coordinators and ministry staff must use TOTP; superusers too (they see everything)."""
    privileged = user.is_superuser or is_coordinator(user) or is_ministry(user)
    return privileged and not has_mfa(user)


def organisation_id(user):
    """The organisation a partner (or municipality contact) belongs to, through their person."""
    return _roles(user)["organisation"]


def municipality_ids(user):
    return _roles(user)["municipalities"]


def _measure_table_id(measure):
    return measure.objective.axis.plan.table_id


def reportable_measures(user):
    """Measures of published or draft plans that ``user`` may report on."""
    from django.db.models import Q

    from actionplans.models import Measure

    if not user.is_active:
        return Measure.objects.none()
    if user.is_superuser:
        return Measure.objects.all()
    condition = Q(objective__axis__plan__table__in=coordinated_table_ids(user))
    if (org := organisation_id(user)) is not None:
        condition |= Q(leads=org) | Q(partners=org)
    return Measure.objects.filter(condition).distinct()


def visible_activities(user):
    """Reports ``user`` may read: their organisation's, their tables', their municipality's
    approved ones, everything for the ministry."""
    from django.db.models import Q

    from activities.models import Activity

    reports = Activity.objects.alive()
    if not user.is_active or not user.is_authenticated:
        return reports.none()
    if sees_all_tables(user):
        return reports
    condition = Q(measure__objective__axis__plan__table__in=coordinated_table_ids(user))
    condition |= Q(author=user)
    if (org := organisation_id(user)) is not None:
        condition |= Q(organisation=org)
    if municipalities := municipality_ids(user):
        condition |= Q(municipalities__in=municipalities, status="approved")
    return reports.filter(condition).distinct()


def can_edit_activity(user, report):
    """Authors and their organisation edit their reports; coordinators edit their table's."""
    if report.is_deleted or not user.is_active:
        return False
    if can_manage_table(user, _measure_table_id(report.measure)):
        return True
    return report.author_id == user.pk or report.organisation_id == organisation_id(user)


def can_review_activity(user, report):
    """Only the table's coordinators (and superusers) approve or send back; never the author's
    own organisation, never the ministry."""
    return not report.is_deleted and can_manage_table(user, _measure_table_id(report.measure))


def can_export_activities(user, table_id):
    return can_view_table(user, table_id) and (
        user.is_superuser or is_ministry(user) or table_id in coordinated_table_ids(user)
    )


def can_mark_adoption(user, kit, municipality):
    """The municipality's own contacts, or the coordinators of the kit's table."""
    if can_manage_table(user, kit.table_id):
        return True
    return user.is_active and municipality.pk in municipality_ids(user)


def can_view_full_report(user, plan):
    """Ministry staff and the table's coordinators get the full accountability report."""
    return user.is_authenticated and (
        user.is_superuser or is_ministry(user) or plan.table_id in coordinated_table_ids(user)
    )


def plans_with_full_reports(user):
    from actionplans.models import Plan

    plans = Plan.objects.select_related("table").order_by("table__name", "-start_date")
    if user.is_superuser or is_ministry(user):
        return plans
    return plans.filter(table__in=coordinated_table_ids(user))
