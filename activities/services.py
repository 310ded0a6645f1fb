"""Writes on activities: save, submit, review, delete. Views and the admin call these; the
transitions themselves (and who may take them) are on the model's state machine.

Every write locks the activity's row for its transaction and checks that nobody changed it
since the caller read it (its ``version``): of two people acting on the same version, one wins
and the other is told what changed, with nothing written."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from actionplans.models import Measure
from actionplans.rules import locked_period_reason
from actionplans.services import plan_rows_lock
from activities.models import Activity, Attachment, IndicatorValue
from activities.rules import activity_period_lock
from activities.selectors import activity_changes_since
from common import audit

Status = Activity.Status


class WorkflowError(Exception):
    """An action that the activity's current state does not allow; the message is for the user."""


class StaleActivity(WorkflowError):
    """The activity changed since the user read it; the message says how. ``version`` is the
    activity's version now, for a form that keeps the user's input and lets them save again."""

    def __init__(self, message, *, version):
        super().__init__(message)
        self.version = version


class ActivityLocked(WorkflowError):
    """The activity is dated (or would be dated) in a period submitted to the ministry and
    locked; the message names the period and says to reopen it. Nothing was written."""


def activity_open_check(activity, *, was=None):
    """Raise ``ActivityLocked`` if ``activity`` is dated in a locked period of its plan, or
    if ``was`` (the activity as stored, before this change) is: nothing moves into or out of
    a locked period.

    Inside a write (a transaction), the plan's row is locked first, as ``period_lock`` locks
    it: a period cannot be locked between this check and the write's commit."""
    if transaction.get_connection().in_atomic_block:
        measures = {each.measure_id for each in (was, activity) if each is not None}
        plan_rows_lock(Measure.objects.filter(pk__in=measures).values("objective__axis__plan"))
    for each in (was, activity):
        if each is not None and (lock := activity_period_lock(each)) is not None:
            raise ActivityLocked(locked_period_reason(lock))


def _stored(activity):
    """``activity`` as the database holds it (its date and measure): the place it leaves."""
    return Activity.objects.only("date", "measure").get(pk=activity.pk)


def _locked(activity, version, outcome):
    """Lock ``activity``'s row until the transaction ends and check that it is still at
    ``version`` (the version the user read; by default, the one ``activity`` was loaded at).

    Otherwise ``StaleActivity``: what happened since, then ``outcome`` (what was not done).
    Once this passes, ``activity`` holds what the database holds, so its state checks and
    permissions are the current ones; the write that follows bumps ``version``.
    """
    current = Activity.objects.select_for_update().only("version").get(pk=activity.pk)
    read_at = activity.version if version is None else version
    if current.version != read_at or current.version != activity.version:
        event, changes = activity_changes_since(current, read_at)
        changed = _(
            "Cette activité a changé depuis que vous l'avez ouverte (%(event)s) : %(changes)s."
        ) % {"event": event, "changes": changes}
        raise StaleActivity(f"{changed} {outcome}", version=current.version)


def _notify(recipients, subject, template, context):
    recipients = sorted({email for email in recipients if email})
    if not recipients:
        return
    with translation.override("fr"):
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
        send_mail(str(subject), body, None, recipients)


def _coordinator_emails(activity):
    return activity.measure.objective.axis.plan.table.coordinators.values_list("email", flat=True)


def _take(activity, transition, user, refused, **kwargs):
    """Run ``transition`` if the activity's state allows it (else ``WorkflowError(refused)``)
    and ``user`` may (else ``PermissionDenied``); the history records who and why."""
    if not can_proceed(transition):
        raise WorkflowError(refused)
    if not has_transition_perm(transition, user):
        raise PermissionDenied
    transition(**kwargs)


def _notify_submitted(activity, reopened):
    _notify(
        _coordinator_emails(activity),
        gettext_lazy("Une activité attend votre révision"),
        "activities/email/activity_submitted.txt",
        {"activity": activity, "reopened": reopened},
    )


@transaction.atomic
def activity_save(*, activity, user, values, municipalities, files, submit=False, version=None):
    """Create or update ``activity`` (fields already set by the form) with its indicator
    values, municipalities and new attachments. Editing an approved activity sends it back to
    review. With ``submit``, a draft or returned activity goes to review. An update is refused
    (``StaleActivity``) if the activity changed since ``version``, the one the form was read at.
    """
    created = activity.pk is None
    if created:
        activity.author = user
        activity_open_check(activity)
    else:
        _locked(
            activity,
            version,
            _(
                "Rien n'a été enregistré ; vos saisies sont conservées ci-dessous : "
                "vérifiez-les, puis enregistrez de nouveau."
            ),
        )
        activity_open_check(activity, was=_stored(activity))
    activity._history_user = user
    was_approved = activity.pk is not None and activity.status == Status.APPROVED
    if was_approved:
        _take(activity, activity.reopen, user, "")
        activity._change_reason = _("Modifiée après approbation : retour à la révision")
    elif submit and activity.status in {Status.DRAFT, Status.RETURNED}:
        # A new activity is the author's own: the transition's permission is asked once saved.
        if activity.pk is not None and not has_transition_perm(activity.submit, user):
            raise PermissionDenied
        activity.submit()
        activity._change_reason = _("Soumise")
    activity.full_clean(exclude=["status"])  # set by the transitions above
    if not created:
        activity.version += 1
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
    # Moved to another measure: the old measure's values would count toward its progress.
    for value in activity.values.exclude(indicator__measure=activity.measure_id):
        value.delete()
    for upload in files:
        Attachment.objects.create(
            activity=activity,
            file=upload,
            original_name=upload.name[:255],
            content_type=upload.sniffed_type,
            size=upload.size,
        )
    audit.record(
        "activity.create" if created else "activity.update",
        activity=activity.pk,
        status=activity.status,
        files=len(files),
    )
    if activity.status == Status.SUBMITTED and (was_approved or submit):
        _notify_submitted(activity, reopened=was_approved)
    return activity


def _review_saved(activity, reason, subject):
    activity._change_reason = reason
    activity.version += 1
    activity.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "version"]
    )
    audit.record(f"activity.{activity.status}", activity=activity.pk)
    _notify(
        [activity.author.email],
        subject,
        "activities/email/activity_reviewed.txt",
        {"activity": activity},
    )
    return activity


@transaction.atomic
def activity_approve(*, activity, reviewer, version=None):
    """Approve ``activity`` as the reviewer read it: at ``version``, refused if it changed."""
    _locked(
        activity,
        version,
        _("Elle n'a pas été approuvée : relisez-la avant de décider."),
    )
    activity_open_check(activity)
    refused = _("Seule une activité soumise peut être approuvée.")
    _take(activity, activity.approve, reviewer, refused, reviewer=reviewer)
    activity._history_user = reviewer
    return _review_saved(activity, _("Approuvée"), gettext_lazy("Votre activité a été approuvée"))


@transaction.atomic
def activity_return(*, activity, reviewer, comment, version=None):
    """Send ``activity`` back as the reviewer read it: at ``version``, refused if it changed."""
    if not comment.strip():
        raise WorkflowError(_("Expliquez ce qu'il faut corriger."))
    _locked(
        activity,
        version,
        _("Elle n'a pas été renvoyée : relisez-la avant de décider."),
    )
    activity_open_check(activity)
    refused = _("Seule une activité soumise peut être renvoyée.")
    activity._history_user = reviewer
    _take(
        activity, activity.send_back, reviewer, refused, reviewer=reviewer, comment=comment.strip()
    )
    return _review_saved(
        activity, _("Renvoyée pour correction"), gettext_lazy("Votre activité est à corriger")
    )


@transaction.atomic
def activity_submit(*, activity, user, version=None):
    _locked(
        activity,
        version,
        _("Elle n'a pas été soumise : relisez-la."),
    )
    activity_open_check(activity)
    _take(activity, activity.submit, user, _("Cette activité est déjà soumise."))
    activity._change_reason = _("Soumise")
    activity._history_user = user
    activity.version += 1
    activity.save(update_fields=["status", "submitted_at", "version"])
    audit.record("activity.submit", activity=activity.pk)
    _notify_submitted(activity, reopened=False)
    return activity


@transaction.atomic
def activity_delete(*, activity, user, version=None):
    """Soft delete: the activity leaves every list and total; its history keeps who and when."""
    activity_open_check(activity)
    if not user.has_perm("activities.delete_activity", activity):
        raise PermissionDenied
    _locked(
        activity,
        version,
        _("Elle n'a pas été supprimée : relisez-la."),
    )
    activity_open_check(activity)
    activity.is_deleted = True
    activity.version += 1
    activity._change_reason = _("Supprimée par %(user)s") % {"user": user.email or user.pk}
    activity._history_user = user
    activity.save(update_fields=["is_deleted", "version"])
    audit.record("activity.delete", activity=activity.pk)
    return activity
