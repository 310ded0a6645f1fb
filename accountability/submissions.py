"""Submitting a report to the ministry: the files as sent, and the period locked.

``report_submit`` makes, in one transaction, the lock of the period (``actionplans``'s
``period_lock``: what is dated in it can no longer change), the ``Submission`` with its XLSX
stored at once and the PDF's HTML as it is now; the worker renders that HTML into the
submission's own file once the transaction has committed (``render_submission_pdf``). Unlike a
``ReportFile``, which a newer rendering of the same report replaces, a submitted file is
written once and never deleted nor replaced: the ministry's copy stays downloadable as sent,
even after the period is reopened and its data changed.
"""

import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from accountability.data import FULL
from accountability.models import Submission
from accountability.reports import (
    CONTENT_TYPES,
    ReportRequest,
    render_html,
    report_data_for,
    report_xlsx,
)
from accountability.services import pdf_from_html
from actionplans.models import ActualExpense
from actionplans.services import PeriodAlreadyLocked, period_lock
from activities.models import Activity
from common.tasks import enqueue_after_commit

logger = logging.getLogger(__name__)


class SubmissionRefused(Exception):
    """The period cannot be submitted (it is locked already); the message says why."""


@dataclass(frozen=True)
class PeriodContents:
    """What submitting a period locks: its activities (every status) and actual expenses."""

    activities: int
    expenses: int


def period_contents(*, plan, period) -> PeriodContents:
    return PeriodContents(
        activities=Activity.objects.alive()
        .of_plan(plan)
        .filter(date__range=(period.start, period.end))
        .count(),
        expenses=ActualExpense.objects.filter(
            plan=plan, date__range=(period.start, period.end)
        ).count(),
    )


def submission_reason(annual):
    """The lock's reason, kept in French as the record is."""
    with translation.override("fr"):
        return (
            _("Bilan annuel soumis au ministère")
            if annual
            else _("Rapport d'étape soumis au ministère")
        )


@transaction.atomic
def report_submit(*, plan, period, annual: bool, lang: str, user) -> Submission:
    """Submit ``plan``'s full report for ``period``: lock the period, keep the XLSX and the
    PDF's source as they are now, and queue the PDF's rendering after commit. Refused
    (``SubmissionRefused``) while an active lock overlaps the period; nothing is written then.
    """
    try:
        lock = period_lock(
            plan=plan,
            start=period.start,
            end=period.end,
            reason=submission_reason(annual),
            user=user,
        )
    except PeriodAlreadyLocked as error:
        raise SubmissionRefused(str(error)) from error
    request = ReportRequest(plan=plan, period=period, lang=lang, variant=FULL, annual=annual)
    data = report_data_for(request)  # once, for both files
    html = render_html(request, data)
    xlsx_name, _type, xlsx_bytes = report_xlsx(request, data)
    submission = Submission(
        plan=plan,
        period_start=period.start,
        period_end=period.end,
        period_key=period.key,
        annual=annual,
        lang=lang,
        submitted_at=lock.locked_at,
        submitted_by=user,
        lock=lock,
        pdf_source=html,
    )
    submission.xlsx.save(xlsx_name, ContentFile(xlsx_bytes), save=False)
    submission.save()
    enqueue_after_commit(render_submission_pdf, submission.pk)
    return submission


def submission_pdf_name(submission):
    """The XLSX's name (``plan-rapport-2023-2024-fr.xlsx``) with the PDF's extension, without
    the date ``submission_file_path`` puts in front of both."""
    prefix = f"{submission.submitted_at:%Y%m%d-%H%M%S}-"
    name = submission.xlsx.name.rsplit("/", 1)[-1].removeprefix(prefix)
    return name.removesuffix(".xlsx") + ".pdf"


@task()
def render_submission_pdf(submission_id):
    """Render a submission's PDF (the worker's side of ``report_submit``)."""
    return submission_pdf_render(submission_id=submission_id)


def submission_pdf_render(*, submission_id) -> str:
    """Render the HTML kept at submission into the submission's PDF, once: a submission that
    already has its PDF is left as it is (``skipped``)."""
    submission = Submission.objects.filter(pk=submission_id, pdf="").first()
    if submission is None or not submission.pdf_source:
        return "skipped"
    try:
        content = pdf_from_html(submission.pdf_source)
    except Exception as error:
        Submission.objects.filter(pk=submission.pk, pdf="").update(
            pdf_error=f"{type(error).__name__}: {error}"
        )
        logger.error("Submission %s failed to render: %s", submission.pk, error)
        raise
    submission.pdf.save(submission_pdf_name(submission), ContentFile(content), save=False)
    rendered = Submission.objects.filter(pk=submission.pk, pdf="").update(
        pdf=submission.pdf.name, pdf_source="", pdf_error=""
    )
    if not rendered:  # another attempt finished first: its file is the one kept
        submission.pdf.delete(save=False)
        return "skipped"
    return "ready"


def submission_file(submission, file_format):
    """``(filename, content_type, bytes)`` of a submitted file, exactly as stored; ``None``
    while the PDF is not rendered yet."""
    field = submission.pdf if file_format == "pdf" else submission.xlsx
    if not field:
        return None
    with field.open("rb") as stored:
        content = stored.read()
    return field.name.rsplit("/", 1)[-1], CONTENT_TYPES[file_format], content
