"""Accountability files: the progress report (or annual review) as PDF, HTML and XLSX.

Each function returns ``(filename, content_type, bytes)``, rendered in the requested language,
from what the file is made from: the PDF from its HTML, the XLSX from the rows it writes.
Whatever the template or the workbook reads is in that source, so an unchanged report is
served again without being made again, and any change to what it prints makes a new file.

The PDF takes WeasyPrint seconds: it is rendered by the worker into a stored file (a
``ReportFile`` under the digest of its HTML, see ``accountability.services``), and
``report_pdf`` raises ``ReportNotReady`` until that file is ready. The XLSX is fast: it is
made in the request and cached under the digest of its rows.
"""

import json
from dataclasses import dataclass

import tablib
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accountability.cover import report_cover
from accountability.data import FULL, report_data
from accountability.finance import finance_dataset
from accountability.progress import Status
from accountability.services import pdf_from_html, report_file_prepare, source_digest
from common.spreadsheets import COUNT_FORMAT, neutralise_dataset, spreadsheet_export

PDF, XLSX, HTML = "pdf", "xlsx", "html"
CONTENT_TYPES = {
    PDF: "application/pdf",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    HTML: "text/html; charset=utf-8",
}
CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class ReportRequest:
    plan: object
    period: object
    lang: str = "fr"
    variant: str = FULL
    annual: bool = False


def _title(annual):
    return _("Bilan annuel") if annual else _("Rapport d'étape")


def _filename(request, extension):
    kind = "bilan-annuel" if request.annual else "rapport"
    variant = "-public" if request.variant != FULL else ""
    period = request.period.key.replace(":", "_")
    return f"{request.plan.slug}-{kind}-{period}{variant}-{request.lang}.{extension}"


def render_html(request, data=None, *, csp_nonce=""):
    """The report as HTML: the PDF's source, and the preview page (which passes its response's
    ``csp_nonce`` for the inline print stylesheet; the PDF's source never carries one, so that
    its digest stays the same from one request to the next)."""
    data = data or report_data_for(request)
    with translation.override(request.lang):
        return render_to_string(
            "accountability/pdf/report.html",
            {
                "data": data,
                "cover": report_cover(request.plan, public=data.is_public),
                "report_title": _title(request.annual),
                "generated_on": timezone.localdate(),
                "statuses": [(Status.LABELS[key], f"status_{key}") for key in Status.ORDER],
                "csp_nonce": csp_nonce,
            },
        )


class ReportNotReady(Exception):
    """The PDF is still being rendered by the worker, or its rendering failed:
    ``report_file.status`` says which."""

    def __init__(self, report_file):
        super().__init__(report_file.filename)
        self.report_file = report_file


def _pdf_file(request, *, retry=False):
    return report_file_prepare(
        file_format=PDF,
        filename=_filename(request, PDF),
        content_type=CONTENT_TYPES[PDF],
        source=render_html(request),
        retry=retry,
    )


def report_pdf(request):
    """The PDF, read from the file the worker rendered from the report's HTML as it is now.
    Raises ``ReportNotReady`` while that file is pending (the first request for it queues
    its rendering) or if its rendering failed."""
    report_file = _pdf_file(request)
    if not report_file.is_ready:
        raise ReportNotReady(report_file)
    with report_file.file.open("rb") as stored:
        return _filename(request, PDF), CONTENT_TYPES[PDF], stored.read()


def report_pdf_retry(request):
    """Queue again the PDF whose rendering failed (the retry link of the failure page)."""
    _pdf_file(request, retry=True)


def render_pdf(request):
    """The PDF rendered here and now, not stored (the ``render_report`` command)."""
    return _filename(request, PDF), CONTENT_TYPES[PDF], pdf_from_html(render_html(request))


def _cached(request, extension, source, build):
    """``build()``, cached under the digest of ``source``: the text the file is made from."""
    key = f"report:{extension}:{source_digest(source)}"
    content = cache.get(key)
    if content is None:
        content = build()
        cache.set(key, content, CACHE_SECONDS)
    return _filename(request, extension), CONTENT_TYPES[extension], content


def report_data_for(request):
    """What the report of ``request`` prints, gathered in its language: built once, it may
    serve its HTML and its XLSX (a submission makes both)."""
    with translation.override(request.lang):
        return report_data(
            request.plan, request.period, variant=request.variant, annual=request.annual
        )


def report_xlsx(request, data=None):
    data = data or report_data_for(request)
    with translation.override(request.lang):
        book = _workbook(data)
        formats = dict.fromkeys(_count_labels(), COUNT_FORMAT)
    for sheet in book.sheets():
        neutralise_dataset(sheet)  # before the digest: a file cached unescaped is not served
    rows = [[sheet.title, sheet.headers, [list(row) for row in sheet]] for sheet in book.sheets()]
    return _cached(
        request,
        XLSX,
        json.dumps(rows, default=str),
        lambda: spreadsheet_export(book, XLSX, number_formats=formats),
    )


def _number(value):
    """A count or a quantity as a spreadsheet number: an integer when it is whole."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def _money(value):
    return None if value is None else float(value)


def _count_labels():
    """The columns and summary rows that hold counts, shown "1 250" (money columns and rows
    end in « ($) » and take the money format by themselves)."""
    return [
        _("Activités réalisées"),
        _("Participants"),
        _("Municipalités touchées"),
        _("Moyens d'action"),
        _("Activités"),
        *(str(Status.LABELS[key]) for key in Status.ORDER),
    ]


def _workbook(data):
    summary = tablib.Dataset(title=_("Sommaire")[:31], headers=[_("Indicateur"), _("Valeur")])
    cover = report_cover(data.plan, public=data.is_public)
    summary.append([_("Table"), cover.table])
    summary.append([_("Territoire (MRC)"), ", ".join(cover.mrcs)])
    summary.append([_("Région"), ", ".join(cover.regions)])
    summary.append([_("Organisme porteur de la coordination"), cover.carrier])
    summary.append([_("Programme de financement"), cover.programme])
    summary.append([_("Plan"), data.plan.title])
    summary.append([_("Période"), data.period.label])
    summary.append([_("Début de la période"), data.period.start])
    summary.append([_("Fin de la période"), data.period.end])
    summary.append([_("Activités réalisées"), data.summary["activities"]])
    summary.append([_("Participants"), data.summary["participants"]])
    summary.append([_("Municipalités touchées"), data.summary["municipalities"]])
    summary.append([_("Budget prévu ($)"), _money(data.summary["planned"])])
    summary.append([_("Dépensé durant la période ($)"), _money(data.summary["spent"])])
    summary.append([_("Déclaré sur les activités ($)"), _money(data.summary["declared"])])
    for key in Status.ORDER:
        summary.append([str(Status.LABELS[key]), data.summary[f"status_{key}"]])

    axes = tablib.Dataset(
        title=_("Axes")[:31], headers=[_("Axe"), _("Titre"), _("Moyens d'action")]
    )
    objectives = tablib.Dataset(
        title=_("Objectifs")[:31],
        headers=[_("Axe"), _("Objectif"), _("Titre"), _("Moyens d'action")],
    )
    measures = tablib.Dataset(
        title=_("Moyens d'action")[:31],
        headers=[
            _("Numéro"),
            _("Moyen d'action"),
            _("Statut"),
            _("Responsables"),
            _("Échéance"),
            _("Budget prévu ($)"),
            _("Dépensé ($)"),
            _("Déclaré sur les activités ($)"),
            _("Activités"),
        ],
    )
    indicators = tablib.Dataset(
        title=_("Indicateurs")[:31],
        headers=[
            _("Numéro"),
            _("Indicateur"),
            _("Cible de la période"),
            _("Réalisé"),
            _("Cible cumulative"),
            _("Cumul"),
        ],
    )
    activities = tablib.Dataset(
        title=_("Activités")[:31],
        headers=[
            _("Numéro"),
            _("Date"),
            _("Activité"),
            _("Organisation"),
            _("Municipalités"),
            _("Participants"),
            _("Montant dépensé ($)"),
        ],
    )
    for axis, axis_objectives in data.axes:
        axes.append(
            [axis.number, axis.title, sum(len(sections) for _o, sections in axis_objectives)]
        )
        for objective, sections in axis_objectives:
            objectives.append([axis.number, objective.number, objective.title, len(sections)])
            for section in sections:
                measures.append(_measure_row(section, _money(section.planned)))
                for line in section.indicators:
                    indicators.append(
                        [
                            section.measure.number,
                            line.label,
                            line.period_target_text,
                            _number(line.period_actual),
                            line.total_target_text,
                            _number(line.total_actual),
                        ]
                    )
                activities.extend(_activity_row(section, report) for report in section.activities)
    for section in data.archived:  # removed from the plan: their activities still count
        measures.append(_measure_row(section, None))
        activities.extend(_activity_row(section, report) for report in section.activities)
    texts = tablib.Dataset(title=_("Textes")[:31], headers=[_("Partie"), _("Texte")])
    for label, text in data.narratives.general_texts:
        texts.append([str(label), text])
    for axis, _objectives in data.axes:
        texts.append([str(axis), data.narratives.axis_text(axis.pk)])
    return tablib.Databook(
        [
            summary,
            finance_dataset(data.finance),
            axes,
            objectives,
            measures,
            indicators,
            activities,
            texts,
        ]
    )


def _measure_row(section, planned):
    measure = section.measure
    return [
        measure.number,
        measure.title,
        str(section.status_label),
        ", ".join(o.name for o in measure.leads.all()) or measure.responsibility,
        str(measure.schedule_label or ""),
        planned,
        _money(section.spent),
        _money(section.declared),
        len(section.activities),
    ]


def _activity_row(section, report):
    return [
        section.measure.number,
        report.date,
        report.title,
        report.organisation.name,
        ", ".join(m.name for m in report.municipalities.all()),
        report.participants,
        _money(report.amount_spent),
    ]
