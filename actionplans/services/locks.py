"""Locked periods (what was reported to the ministry stays as sent) and actual expenses."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.models import (
    ActualExpense,
    PeriodLock,
    Plan,
)
from actionplans.rules import period_open_check
from common import audit
from common.formatting import format_date, in_sentence


def plan_rows_lock(plan_ids):
    """Lock the rows of the plans ``plan_ids`` (ids or a subquery) until the transaction ends:
    locking a period and writing what is dated in it take turns on the plan's row."""
    list(Plan.objects.select_for_update().filter(pk__in=plan_ids).values_list("pk", flat=True))


class PeriodAlreadyLocked(Exception):
    """A period overlapping one that is locked; the message names the lock."""


@transaction.atomic
def period_lock(*, plan: Plan, start: date, end: date, reason: str, user) -> PeriodLock:
    """Lock ``plan``'s dates from ``start`` to ``end``: what is dated in them can no longer
    change (``actionplans.rules``). Refused (``PeriodAlreadyLocked``) while an active lock
    overlaps them; the plan's row is locked meanwhile, so two submissions cannot both pass."""
    plan_rows_lock([plan.pk])
    overlapping = (
        PeriodLock.objects.active()
        .filter(plan=plan, start_date__lte=end, end_date__gte=start)
        .first()
    )
    if overlapping is not None:
        raise PeriodAlreadyLocked(
            _(
                "La période %(period)s est déjà verrouillée (%(reason)s, le %(date)s) : "
                "rouvrez-la avant de la soumettre de nouveau."
            )
            % {
                "period": in_sentence(overlapping.label),
                "reason": overlapping.reason,
                "date": format_date(overlapping.locked_at),
            }
        )
    lock = PeriodLock(
        plan=plan,
        start_date=start,
        end_date=end,
        reason=reason,
        locked_at=timezone.now(),
        locked_by=user,
    )
    lock._history_user = user
    lock._change_reason = reason
    lock.full_clean()
    lock.save()
    audit.record("period.lock", plan=plan.pk, lock=lock.pk)
    return lock


class ReopenError(Exception):
    """A reopening that cannot be done; the message is for the user."""


@transaction.atomic
def period_reopen(*, lock: PeriodLock, reason: str, user) -> PeriodLock:
    """Lift ``lock``: what is dated in its period may change again. Who, when and why are
    kept on the lock and in its history; the submission that made it stays as it was sent."""
    reason = (reason or "").strip()
    if not reason:
        raise ReopenError(_("Expliquez pourquoi la période est rouverte."))
    updated = PeriodLock.objects.filter(pk=lock.pk, reopened_at__isnull=True).update(
        reopened_at=timezone.now(), reopened_by=user, reopen_reason=reason
    )
    if not updated:
        raise ReopenError(_("Cette période a déjà été rouverte."))
    lock.refresh_from_db()
    lock._history_user = user
    lock._change_reason = _("Rouverte : %(reason)s") % {"reason": reason}
    lock.save()  # the history's row for the reopening, with who and why
    audit.record("period.reopen", plan=lock.plan_id, lock=lock.pk)
    return lock


@transaction.atomic
def actual_expense_save(*, expense: ActualExpense, user) -> ActualExpense:
    """Record or change an actual expense. Refused (``PeriodLocked``) if its date, or the
    date it had, is in a locked period."""
    days = [expense.date]
    if expense.pk is not None:
        days += ActualExpense.objects.filter(pk=expense.pk).values_list("date", flat=True)
    plan_rows_lock([expense.plan_id])
    period_open_check(expense.plan_id, *days)
    expense.full_clean()
    expense._history_user = user
    expense.save()
    audit.record("expense.save", plan=expense.plan_id, expense=expense.pk)
    return expense


@transaction.atomic
def actual_expense_delete(*, expense: ActualExpense, user) -> None:
    """Delete an actual expense, unless its date is in a locked period (``PeriodLocked``)."""
    plan_rows_lock([expense.plan_id])
    period_open_check(expense.plan_id, expense.date)
    expense._history_user = user
    audit.record("expense.delete", plan=expense.plan_id, expense=expense.pk)
    expense.delete()
