"""The ministry's view across tables as a workbook: the rows the page shows, in its order and
with its filter, and the totals under them. Numbers are numbers, dates are dates."""

import tablib
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accountability.progress import Status
from common.formatting import format_date
from common.spreadsheets import MONEY_FORMAT, spreadsheet_export

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _submission_label(submission):
    if submission is None:
        return None
    kind = _("Bilan annuel") if submission.annual else _("Rapport d'étape")
    period = _("du %(start)s au %(end)s") % {
        "start": format_date(submission.period_start),
        "end": format_date(submission.period_end),
    }
    return f"{kind}, {period}"


def _period_label(start, end):
    return _("Du %(start)s au %(end)s") % {"start": format_date(start), "end": format_date(end)}


def _rows_sheet(overview):
    planned, spent = _("PAC prévu, année en cours ($)"), _("PAC dépensé, année en cours ($)")
    headers = [
        _("Table"),
        _("Région"),
        _("Plan en cours"),
        _("Début du plan"),
        _("Fin du plan"),
        *(str(Status.LABELS[key]) for key in Status.ORDER),
        _("Moyens d'action atteints (%)"),
        _("Moyens d'action en retard"),
        _("Année du plan"),
        planned,
        spent,
        _("Dépensé / prévu (%)"),
        _("Dernier rapport soumis"),
        _("Soumis le"),
        _("Périodes en retard"),
        _("Semestres en retard"),
    ]
    sheet = tablib.Dataset(title=_("Tables")[:31], headers=headers)
    for row in overview.rows:
        plan = row.plan
        submission = row.last_submission
        sheet.append(
            [
                row.table.name,
                row.region_label,
                plan.title if plan else _("Aucun plan"),
                plan.start_date if plan else None,
                plan.end_date if plan else None,
                *(row.counts[key] if plan else None for key in Status.ORDER),
                row.progress_percent,
                row.late if plan else None,
                row.year.number if row.year else None,
                float(row.planned) if row.planned is not None else None,
                float(row.spent) if row.spent is not None else None,
                row.budget_percent,
                _submission_label(submission),
                timezone.localtime(submission.submitted_at).date() if submission else None,
                len(row.overdue) if plan else None,
                "; ".join(half.label for half in row.overdue),
            ]
        )
    return sheet, {planned: MONEY_FORMAT, spent: MONEY_FORMAT}


def _totals_sheet(overview):
    totals = overview.totals
    sheet = tablib.Dataset(title=_("Totaux")[:31], headers=[_("Total"), _("Valeur")])
    sheet.append([_("Tables"), len(overview.rows)])
    sheet.append([_("Région"), str(overview.region.name) if overview.region else _("Toutes")])
    sheet.append([_("Exercice financier"), _period_label(totals.period.start, totals.period.end)])
    sheet.append([_("Activités approuvées"), totals.activities])
    sheet.append([_("Participants"), totals.participants])
    sheet.append([_("Municipalités touchées (distinctes)"), totals.municipalities])
    for family in overview.totals.families:
        sheet.append(
            [
                _("Indicateurs en « %(unit)s »") % {"unit": family.label},
                float(family.total),
            ]
        )
    return sheet


def tables_overview_xlsx(overview, lang="fr"):
    """``(filename, content_type, bytes)`` of ``overview`` (an
    :class:`~accountability.overview.Overview`)."""
    with translation.override(lang):
        rows, formats = _rows_sheet(overview)
        book = tablib.Databook([rows, _totals_sheet(overview)])
        content = spreadsheet_export(book, "xlsx", number_formats=formats)
    region = f"-{overview.region.code}" if overview.region else ""
    filename = f"tables-vue-d-ensemble{region}-{overview.today.isoformat()}.xlsx"
    return filename, XLSX_CONTENT_TYPE, content
