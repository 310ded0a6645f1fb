"""Reads for the activity forms and pages."""

from django.db.models import Q

from actionplans.models import Measure
from partners import roles


def reportable_measures(user):
    """Measures ``user`` may declare an activity for: their organisation's (as lead or
    partner), their tables' (coordinators), any (superusers)."""
    if roles.is_superuser(user):
        return Measure.objects.all()
    if not user.is_authenticated:
        return Measure.objects.none()
    condition = Q(objective__axis__plan__table__in=roles.coordinated_table_ids(user))
    if (organisation := roles.organisation_id(user)) is not None:
        condition |= Q(leads=organisation) | Q(partners=organisation)
    return Measure.objects.filter(condition).distinct()
