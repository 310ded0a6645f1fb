"""An activity's review, edit or deletion changes its plan's progress (only approved activities
count, but an approved one edited goes back to review): any write to an activity, its values or
its municipalities bumps its plan's content version (``actionplans.services.versions``).
Connected in ``ActivitiesConfig.ready``."""

from django.db.models.signals import m2m_changed, post_save, pre_delete

from actionplans.models import Plan
from actionplans.services import plan_content_changed
from activities.models import Activity, IndicatorValue


def _activity_written(sender, instance, raw=False, **kwargs):
    if not raw:
        plan_content_changed(
            plans=Plan.objects.filter(axes__objectives__measures=instance.measure_id)
        )


def _value_written(sender, instance, raw=False, **kwargs):
    if not raw:
        plans = Plan.objects.filter(axes__objectives__measures__activities=instance.activity_id)
        plan_content_changed(plans=plans)


def _municipalities_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:
        activities = Activity.objects.filter(municipalities=instance) if pk_set is None else pk_set
    else:
        activities = [instance.pk]
    plans = Plan.objects.filter(axes__objectives__measures__activities__in=activities)
    plan_content_changed(plans=plans)


def connect():
    for model, handler in ((Activity, _activity_written), (IndicatorValue, _value_written)):
        post_save.connect(handler, sender=model, dispatch_uid="plan-content")
        pre_delete.connect(handler, sender=model, dispatch_uid="plan-content")
    m2m_changed.connect(
        _municipalities_changed, sender=Activity.municipalities.through, dispatch_uid="plan-content"
    )
