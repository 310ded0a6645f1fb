"""Reads for the activity forms and pages."""

from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from actionplans.models import Measure
from activities.models import Activity
from common.formatting import format_date, format_number, format_time
from partners import roles


def reportable_measures(user):
    """Measures ``user`` may declare an activity for: their organisation's (as lead or
    partner), their tables' (coordinators), any (superusers); never an archived one."""
    if roles.is_superuser(user):
        return Measure.objects.current()
    if not user.is_authenticated:
        return Measure.objects.none()
    condition = Q(objective__axis__plan__table__in=roles.coordinated_table_ids(user))
    if (organisation := roles.organisation_id(user)) is not None:
        condition |= Q(leads=organisation) | Q(partners=organisation)
    return Measure.objects.current().filter(condition).distinct()


CHANGE_FIELDS = (
    "status",
    "measure",
    "date",
    "title",
    "description",
    "participants",
    "participants_immigrant",
    "participants_host",
    "amount_spent",
    "event",
    "review_comment",
)


def _shown(field, value):
    """A field's value as a person reads it in a message."""
    if value is None or value == "":
        return _("(vide)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        target = field.related_model._base_manager.filter(pk=value).first()
        return str(target) if target is not None else str(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int | Decimal):
        return format_number(value, 2)
    return _("« %(text)s »") % {"text": Truncator(str(value)).chars(60)}


def _what_happened(before, after):
    if after.is_deleted and not before.is_deleted:
        return _("supprimée")
    if after.status != before.status:
        return {
            Activity.Status.APPROVED: _("approuvée"),
            Activity.Status.RETURNED: _("renvoyée pour correction"),
            Activity.Status.SUBMITTED: _("soumise"),
        }.get(after.status, _("modifiée"))
    return _("modifiée")


def activity_changes_since(activity, version):
    """What changed in ``activity`` since someone read it at ``version``, for a message:
    ``(event, changes)``, e.g. ("approuvée par Julie Tremblay le 6 février 2025 à 10 h 12",
    "statut : Soumise, à réviser → Approuvée"). Read from the activity's history."""
    records = activity.history.select_related("history_user")
    latest, before = records.first(), records.filter(version=version).first()
    if latest is None or before is None:
        return _("modifiée"), _("son contenu ou son statut")
    when = {"date": format_date(latest.history_date), "time": format_time(latest.history_date)}
    what = _what_happened(before, latest)
    if latest.history_user is not None:
        who = latest.history_user.get_full_name() or latest.history_user.email
        event = _("%(what)s par %(who)s le %(date)s à %(time)s") % {
            "what": what,
            "who": who or latest.history_user.get_username(),
            **when,
        }
    else:
        event = _("%(what)s le %(date)s à %(time)s") % {"what": what, **when}
    changes = []
    for name in CHANGE_FIELDS:
        field = Activity._meta.get_field(name)
        old, new = getattr(before, field.attname), getattr(latest, field.attname)
        if old != new:
            changes.append(
                _("%(field)s : %(old)s → %(new)s")
                % {
                    "field": field.verbose_name,
                    "old": _shown(field, old),
                    "new": _shown(field, new),
                }
            )
    if not changes:
        return event, _("ses indicateurs, ses municipalités ou ses pièces jointes")
    return event, " ; ".join(changes)
