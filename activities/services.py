"""Writes on activity activities: save, submit, review, delete. Views call these; they hold the
workflow rules and send the notifications."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import Activity, Attachment, IndicatorValue

Status = Activity.Status


class WorkflowError(Exception):
    """An action that the activity's current state does not allow; the message is for the user."""


def _notify(recipients, subject, template, context):
    recipients = sorted({email for email in recipients if email})
    if not recipients:
        return
    with translation.override("fr"):
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
        send_mail(str(subject), body, None, recipients)


def _coordinator_emails(activity):
    return activity.measure.objective.axis.plan.table.coordinators.values_list("email", flat=True)


@transaction.atomic
def activity_save(*, activity, user, values, municipalities, files, submit=False):
    """Create or update ``activity`` (fields already set by the form) with its indicator
    values, municipalities and new attachments. Editing an approved activity sends it back to
    review. With ``submit``, a draft or returned activity goes to review."""
    was_approved = activity.pk is not None and activity.status == Status.APPROVED
    if activity.pk is None:
        activity.author = user
    if was_approved or (submit and activity.status in {Status.DRAFT, Status.RETURNED}):
        activity.status = Status.SUBMITTED
        activity.submitted_at = timezone.now()
    activity.full_clean()
    activity.save()
    activity.municipalities.set(municipalities)
    current = {value.indicator_id: value for value in activity.values.all()}
    for indicator, number in values.items():
        existing = current.get(indicator.pk)
        if number is None:
            if existing:
                existing.delete()
        elif existing is None:
            IndicatorValue.objects.create(activity=activity, indicator=indicator, value=number)
        elif existing.value != number:
            existing.value = number
            existing.save(update_fields=["value"])
    for upload in files:
        Attachment.objects.create(
            activity=activity,
            file=upload,
            original_name=upload.name[:255],
            content_type=upload.sniffed_type,
            size=upload.size,
        )
    if activity.status == Status.SUBMITTED and (was_approved or submit):
        _notify(
            _coordinator_emails(activity),
            gettext_lazy("Une activité attend votre révision"),
            "activities/email/activity_submitted.txt",
            {"activity": activity, "reopened": was_approved},
        )
    return activity


def _review(activity, reviewer, status, comment, subject):
    activity.status = status
    activity.reviewed_by, activity.reviewed_at = reviewer, timezone.now()
    activity.review_comment = comment
    activity.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    _notify(
        [activity.author.email],
        subject,
        "activities/email/activity_reviewed.txt",
        {"activity": activity},
    )
    return activity


@transaction.atomic
def activity_approve(*, activity, reviewer):
    if activity.status != Status.SUBMITTED:
        raise WorkflowError(_("Seule une activité soumise peut être approuvée."))
    return _review(
        activity, reviewer, Status.APPROVED, "", gettext_lazy("Votre activité a été approuvée")
    )


@transaction.atomic
def activity_return(*, activity, reviewer, comment):
    if activity.status != Status.SUBMITTED:
        raise WorkflowError(_("Seule une activité soumise peut être renvoyée."))
    if not comment.strip():
        raise WorkflowError(_("Expliquez ce qu'il faut corriger."))
    return _review(
        activity,
        reviewer,
        Status.RETURNED,
        comment.strip(),
        gettext_lazy("Votre activité est à corriger"),
    )


@transaction.atomic
def activity_submit(*, activity, user):
    if activity.status not in {Status.DRAFT, Status.RETURNED}:
        raise WorkflowError(_("Cette activité est déjà soumise."))
    activity.status = Status.SUBMITTED
    activity.submitted_at = timezone.now()
    activity.save(update_fields=["status", "submitted_at"])
    _notify(
        _coordinator_emails(activity),
        gettext_lazy("Une activité attend votre révision"),
        "activities/email/activity_submitted.txt",
        {"activity": activity, "reopened": False},
    )
    return activity


@transaction.atomic
def activity_delete(*, activity, user):
    """Soft delete: the activity leaves every list and total; its history keeps who and when."""
    activity.is_deleted = True
    activity._change_reason = _("Supprimée par %(user)s") % {"user": user.email or user.pk}
    activity.save(update_fields=["is_deleted"])
    return activity
