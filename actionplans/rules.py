"""The action plans' rule book: a table's coordinators write its plans; the ministry reads."""

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from actionplans.models import PeriodLock
from common.formatting import format_date
from partners.rules import add_table_owned_perms, manages_table_data, reads_table_data

add_table_owned_perms(
    "actionplans",
    "plan",
    "planyear",
    "axis",
    "objective",
    "planexpense",
    "measure",
    "budgetline",
    "indicator",
    "target",
)
# Importing a plan document creates a plan for the table given as the object.
rules.add_perm("actionplans.import_plan", manages_table_data)


# --- Locked periods ---------------------------------------------------------------------------
# Once a report for a period has gone to the ministry, what is dated in it stays as it was sent
# (``PeriodLock``): activities, their indicator values and actual expenses. Every writer asks
# here, through the permissions below or ``period_open_check`` for a date about to be written.


class PeriodLocked(PermissionDenied):
    """A write refused because its date is in a locked period; the message says which period,
    when it was submitted, and that the coordination must reopen it first."""

    def __init__(self, lock):
        super().__init__(locked_period_reason(lock))
        self.lock = lock


def period_lock_covering(plan_id, day):
    """The active lock of plan ``plan_id`` that covers ``day``, or ``None``."""
    if plan_id is None or day is None:
        return None
    return PeriodLock.objects.active().filter(plan=plan_id).covering(day).first()


def locked_period_reason(lock):
    """« Cette période (du 1er avril 2023 au 31 mars 2024) a été soumise au ministère le
    15 avril 2024 … »: what a refused writer reads."""
    return _(
        "Cette période (du %(start)s au %(end)s) a été soumise au ministère le %(date)s "
        "(%(reason)s) : ce qui y est daté ne peut plus changer. Pour le modifier, la "
        "coordination de la table doit d'abord rouvrir la période."
    ) % {
        "start": format_date(lock.start_date),
        "end": format_date(lock.end_date),
        "date": format_date(lock.locked_at),
        "reason": lock.reason,
    }


def period_open_check(plan_id, *days):
    """Raise ``PeriodLocked`` if any of ``days`` (of plan ``plan_id``) is in a locked period."""
    for day in days:
        if (lock := period_lock_covering(plan_id, day)) is not None:
            raise PeriodLocked(lock)


@rules.predicate
def expense_in_open_period(user, expense=None):
    """An actual expense whose date is in no locked period (any, when none is named: the date
    of one being added is checked when it is written)."""
    return expense is None or period_lock_covering(expense.plan_id, expense.date) is None


rules.add_perm("actionplans.view_actualexpense", reads_table_data)
rules.add_perm("actionplans.add_actualexpense", manages_table_data)
rules.add_perm("actionplans.change_actualexpense", manages_table_data & expense_in_open_period)
rules.add_perm("actionplans.delete_actualexpense", manages_table_data & expense_in_open_period)
# Locks are made by submitting a report and lifted by reopening (``accountability.rules``),
# never edited by hand; the ministry and the table read them.
rules.add_perm("actionplans.view_periodlock", reads_table_data)

# The public page of a draft plan (« Aperçu public »): shown to those who write the plan, so they
# see it as the public will. The ministry reads drafts in the back office (``view_plan``) but a
# draft is not yet published to anyone outside the coordination: no preview for it.
rules.add_perm("actionplans.preview_plan", manages_table_data)
