"""Files out for events: the attendance list of an event's registrations, as XLSX."""

import tablib
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.spreadsheets import spreadsheet_export
from events.models import Registration

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attended_label(value):
    if value is None:
        return ""
    return _("Oui") if value else _("Non")


def attendance_xlsx(event, lang="fr"):
    """``(filename, content_type, bytes)``: one row per registration (cancelled ones included,
    marked so), confirmed first, then the waiting list, then the cancelled, each in order of
    registration; the registration's date is a date cell."""
    order = {
        Registration.Status.CONFIRMED: 0,
        Registration.Status.WAITING: 1,
        Registration.Status.CANCELLED: 2,
    }
    registrations = sorted(
        event.registrations.all(),
        key=lambda registration: (order[registration.status], registration.created_at),
    )
    with translation.override(lang):
        dataset = tablib.Dataset(
            headers=[
                _("Nom"),
                _("Organisation"),
                _("Courriel"),
                _("Statut"),
                _("Présent"),
                _("Inscrit le"),
            ]
        )
        for registration in registrations:
            dataset.append(
                [
                    registration.name,
                    registration.organisation,
                    registration.email,
                    registration.get_status_display(),
                    attended_label(registration.attended),
                    timezone.localtime(registration.created_at).date(),
                ]
            )
        dataset.title = _("Présences")
        content = spreadsheet_export(dataset, "xlsx")
    return f"{event.slug}-presences.xlsx", XLSX_TYPE, content
