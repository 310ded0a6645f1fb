"""Each plan's content version: bumped in the database whenever something its public pages show
changes, so that cached fragments (keyed on it) and validators (ETag, Last-Modified) follow at
once. Model saves and deletes bump through ``actionplans.signals`` (the admin writes too); the
bulk writes (imports, revisions, duplication, renumbering) call :func:`plan_content_changed`."""

import threading
from contextlib import contextmanager

from django.db.models import F
from django.utils import timezone

from actionplans.models import Plan

_batch = threading.local()


@contextmanager
def plan_content_batch(plan):
    """Writes to ``plan`` inside the block bump it once, when the block ends, not once each
    (a service writing many rows of one plan; nothing else may be written inside)."""
    depth = getattr(_batch, "depth", 0)
    _batch.depth = depth + 1
    try:
        yield
    finally:
        _batch.depth = depth
    plan_content_changed(plans=plan)


def plan_content_changed(*, plans) -> int:
    """Bump the content version of ``plans`` (a plan, or a queryset of plans) in one UPDATE;
    returns how many plans were bumped (none inside :func:`plan_content_batch`)."""
    if getattr(_batch, "depth", 0):
        return 0
    if isinstance(plans, Plan):
        plans = Plan.objects.filter(pk=plans.pk)
    return Plan.objects.filter(pk__in=plans.values("pk")).update(
        content_version=F("content_version") + 1, content_changed_at=timezone.now()
    )


def plans_of(model, pks):
    """The plans the items ``pks`` of ``model`` (a plan item naming its ``plan_path``) are in."""
    if not model.plan_path:
        return Plan.objects.filter(pk__in=pks)
    items = model._base_manager.filter(pk__in=pks)
    return Plan.objects.filter(pk__in=items.values(model.plan_path))


def plans_of_measures(measure_pks):
    return Plan.objects.filter(axes__objectives__measures__in=measure_pks)
