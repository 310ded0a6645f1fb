"""Writes on activity reports: save, submit, review, delete. Views call these; they hold the
workflow rules and send the notifications."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import ActivityReport, Attachment, IndicatorValue

Status = ActivityReport.Status


class WorkflowError(Exception):
    """An action that the report's current state does not allow; the message is for the user."""


def _notify(recipients, subject, template, context):
    recipients = sorted({email for email in recipients if email})
    if not recipients:
        return
    with translation.override("fr"):
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
        send_mail(str(subject), body, None, recipients)


def _coordinator_emails(report):
    return report.measure.objective.axis.plan.table.coordinators.values_list("email", flat=True)


@transaction.atomic
def report_save(*, report, user, values, municipalities, files, submit=False):
    """Create or update ``report`` (fields already set by the form) with its indicator
    values, municipalities and new attachments. Editing an approved report sends it back to
    review. With ``submit``, a draft or returned report goes to review."""
    was_approved = report.pk is not None and report.status == Status.APPROVED
    if report.pk is None:
        report.author = user
    if was_approved or (submit and report.status in {Status.DRAFT, Status.RETURNED}):
        report.status = Status.SUBMITTED
        report.submitted_at = timezone.now()
    report.full_clean()
    report.save()
    report.municipalities.set(municipalities)
    current = {value.indicator_id: value for value in report.values.all()}
    for indicator, number in values.items():
        existing = current.get(indicator.pk)
        if number is None:
            if existing:
                existing.delete()
        elif existing is None:
            IndicatorValue.objects.create(report=report, indicator=indicator, value=number)
        elif existing.value != number:
            existing.value = number
            existing.save(update_fields=["value"])
    for upload in files:
        Attachment.objects.create(
            report=report,
            file=upload,
            original_name=upload.name[:255],
            content_type=upload.sniffed_type,
            size=upload.size,
        )
    if report.status == Status.SUBMITTED and (was_approved or submit):
        _notify(
            _coordinator_emails(report),
            gettext_lazy("Une activité attend votre révision"),
            "actionplans/email/report_submitted.txt",
            {"report": report, "reopened": was_approved},
        )
    return report


def _review(report, reviewer, status, comment, subject):
    report.status = status
    report.reviewed_by, report.reviewed_at = reviewer, timezone.now()
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    _notify(
        [report.author.email], subject, "actionplans/email/report_reviewed.txt", {"report": report}
    )
    return report


@transaction.atomic
def report_approve(*, report, reviewer):
    if report.status != Status.SUBMITTED:
        raise WorkflowError(_("Seule une activité soumise peut être approuvée."))
    return _review(
        report, reviewer, Status.APPROVED, "", gettext_lazy("Votre activité a été approuvée")
    )


@transaction.atomic
def report_return(*, report, reviewer, comment):
    if report.status != Status.SUBMITTED:
        raise WorkflowError(_("Seule une activité soumise peut être renvoyée."))
    if not comment.strip():
        raise WorkflowError(_("Expliquez ce qu'il faut corriger."))
    return _review(
        report,
        reviewer,
        Status.RETURNED,
        comment.strip(),
        gettext_lazy("Votre activité est à corriger"),
    )


@transaction.atomic
def report_submit(*, report, user):
    if report.status not in {Status.DRAFT, Status.RETURNED}:
        raise WorkflowError(_("Cette activité est déjà soumise."))
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    _notify(
        _coordinator_emails(report),
        gettext_lazy("Une activité attend votre révision"),
        "actionplans/email/report_submitted.txt",
        {"report": report, "reopened": False},
    )
    return report


@transaction.atomic
def report_delete(*, report, user):
    """Soft delete: the report leaves every list and total; its history keeps who and when."""
    report.is_deleted = True
    report._change_reason = _("Supprimée par %(user)s") % {"user": user.email or user.pk}
    report.save(update_fields=["is_deleted"])
    return report
