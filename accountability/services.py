"""Writes on report files: ask for one, render it in the worker, forget one that was lost.

A PDF takes WeasyPrint seconds, so the web process never renders one: it asks for the file
made from a report's HTML (``report_file_prepare``), which queues a ``render_report_file``
task the first time; the worker renders it into the default storage, under ``reports/``
(private: the media folder is not served), and later requests read the stored file. Where
tasks run at once (the tests, make demo), the file is ready when ``report_file_prepare``
returns.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from accountability.models import ReportFile
from common.tasks import enqueue_after_commit

logger = logging.getLogger(__name__)
Status = ReportFile.Status


def pdf_from_html(html):
    """The PDF of ``html``, fetching nothing but our own static files (``common.pdf``).
    WeasyPrint is imported here, when a PDF is made, so that the web processes, which only
    ever read stored files, never load it."""
    from common import pdf

    return pdf.pdf_from_html(html)


def source_digest(source):
    return hashlib.sha256(source.encode()).hexdigest()


def _is_lost(report_file):
    """Its rendering will not come (pending too long) or its stored file is gone."""
    if report_file.is_stale():
        return True
    return report_file.is_ready and not report_file.file.storage.exists(report_file.file.name)


def report_file_prepare(*, file_format, filename, content_type, source, retry=False):
    """The file made from ``source``: ready, pending or failed. The first request for a
    source queues its rendering; a rendering that was lost, or (with ``retry``) that failed,
    is forgotten and queued again. A failure is otherwise kept, so that a page refreshing
    itself does not render a broken report over and over."""
    digest = source_digest(source)
    existing = ReportFile.objects.filter(file_format=file_format, digest=digest).first()
    if existing is not None:
        if not (_is_lost(existing) or (retry and existing.has_failed)):
            return existing
        # Only as it was seen: a concurrent request may have queued it again already.
        ReportFile.objects.filter(pk=existing.pk, status=existing.status).delete()
    report_file, created = ReportFile.objects.get_or_create(
        file_format=file_format,
        digest=digest,
        defaults={"filename": filename, "content_type": content_type, "source": source},
    )
    if created:
        enqueue_after_commit(render_report_file, report_file.pk)
        report_file.refresh_from_db()
    return report_file


@task(takes_context=True)
def render_report_file(context, report_file_id):
    """Render a queued report file (the worker's side of ``report_file_prepare``)."""
    return report_file_render(report_file_id=report_file_id, task_result_id=context.task_result.id)


def report_file_render(*, report_file_id, task_result_id=""):
    """Render the HTML snapshot of a pending report file into its stored file and mark it
    ready, or failed with the error (logged, and raised for the task's own record). The
    older renderings of the same report, which this one replaces, are deleted."""
    report_file = ReportFile.objects.filter(pk=report_file_id, status=Status.PENDING).first()
    if report_file is None:
        return "skipped"  # rendered by an earlier attempt, or forgotten since it was queued
    ReportFile.objects.filter(pk=report_file.pk).update(task_result_id=task_result_id)
    try:
        content = pdf_from_html(report_file.source)
    except Exception as error:
        ReportFile.objects.filter(pk=report_file.pk, status=Status.PENDING).update(
            status=Status.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        logger.error(
            "Report file %s (%s) failed to render: %s", report_file.pk, report_file.filename, error
        )
        raise
    report_file.file.save(report_file.filename, ContentFile(content), save=False)
    rendered = ReportFile.objects.filter(pk=report_file.pk, status=Status.PENDING).update(
        status=Status.READY,
        file=report_file.file.name,
        source="",
        error="",
        finished_at=timezone.now(),
    )
    if not rendered:  # another attempt finished first, or the row was forgotten meanwhile
        report_file.file.delete(save=False)
        return "skipped"
    _delete_superseded(report_file)
    return "ready"


def _delete_superseded(report_file):
    """The earlier files of the same report (same name and format, older data or an earlier
    day): nobody asks for their source any more, so each report keeps one stored file."""
    older = ReportFile.objects.filter(
        file_format=report_file.file_format,
        filename=report_file.filename,
        created_at__lt=report_file.created_at,
    ).exclude(status=Status.PENDING)
    for old in older:
        if old.file:
            old.file.delete(save=False)
        old.delete()
