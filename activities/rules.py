"""The activities' rule book: who reads, writes, reviews and exports what partners declare."""

import rules

from actionplans.models import PeriodLock
from partners import roles
from partners.rules import is_superuser, manages_table_data, reads_table_data


@rules.predicate
def is_alive(user, activity=None):
    return activity is None or not activity.is_deleted


@rules.predicate
def is_its_author_side(user, activity=None):
    """The author, or a person of the organisation the activity is declared for."""
    if activity is None:
        return False  # only ever asked about an activity
    if activity.author_id == user.pk:
        return True
    organisation = roles.organisation_id(user)
    return organisation is not None and activity.organisation_id == organisation


def activity_period_lock(activity, day=None):
    """The active lock covering ``activity``'s date (or ``day``) in its plan, or ``None``:
    an activity dated in a period submitted to the ministry stays as it was sent."""
    day = day or activity.date
    if day is None or activity.measure_id is None:
        return None
    return (
        PeriodLock.objects.active()
        .covering(day)
        .filter(plan__axes__objectives__measures=activity.measure_id)
        .first()
    )


@rules.predicate
def is_in_open_period(user, activity=None):
    """Dated in no locked period (any activity, when none is named)."""
    return activity is None or activity_period_lock(activity) is None


@rules.predicate
def value_in_open_period(user, obj=None):
    """An indicator value or attachment whose activity is in no locked period."""
    return obj is None or activity_period_lock(obj.activity) is None


@rules.predicate
def may_read(user, activity=None):
    if activity is None:
        return user.is_authenticated
    return activity.__class__.objects.for_user(user).filter(pk=activity.pk).exists()


rules.add_perm("activities.view_activity", may_read)
# Declaring: whoever has a measure to report on (the form offers only those measures).
rules.add_perm("activities.add_activity", is_superuser | rules.is_authenticated)
# Editing, submitting and deleting: the author's side or the table's coordinators.
# Nothing dated in a locked period changes (``actionplans.rules``; the services say why).
rules.add_perm(
    "activities.change_activity",
    is_alive & is_in_open_period & (manages_table_data | is_its_author_side),
)
rules.add_perm(
    "activities.delete_activity",
    is_alive & is_in_open_period & (manages_table_data | is_its_author_side),
)
# Approving and sending back: the table's coordinators only, never the ministry, never the
# author's own organisation (unless it coordinates the table).
rules.add_perm("activities.review_activity", is_alive & is_in_open_period & manages_table_data)
# Exporting a plan's approved activities (the object: the plan).
rules.add_perm("activities.export_activities", reads_table_data)

# Indicator values and attachments follow their activity, in the admin.
for name in ("indicatorvalue", "attachment"):
    rules.add_perm(f"activities.view_{name}", reads_table_data)
    rules.add_perm(f"activities.add_{name}", manages_table_data)
    rules.add_perm(f"activities.change_{name}", manages_table_data & value_in_open_period)
    rules.add_perm(f"activities.delete_{name}", manages_table_data & value_in_open_period)
