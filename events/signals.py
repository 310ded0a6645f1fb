"""An event linked to measures shows on their pages: its writes and its links bump the plans'
content version (``actionplans.services.versions``). Connected in ``EventsConfig.ready``."""

from django.db.models.signals import m2m_changed, post_save, pre_delete

from actionplans.models import Measure
from actionplans.services import plan_content_changed, plans_of_measures
from events.models import Event


def _event_written(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        plans = plans_of_measures(Measure.objects.filter(events=instance).values("pk"))
        plan_content_changed(plans=plans)


def _measures_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # a measure's events
        plan_content_changed(plans=plans_of_measures([instance.pk]))
    elif pk_set is None:  # every measure of the event, before they go
        _event_written(sender, instance)
    else:
        plan_content_changed(plans=plans_of_measures(pk_set))


def connect():
    post_save.connect(_event_written, sender=Event, dispatch_uid="plan-content")
    pre_delete.connect(_event_written, sender=Event, dispatch_uid="plan-content")
    m2m_changed.connect(
        _measures_changed, sender=Event.measures.through, dispatch_uid="plan-content"
    )
