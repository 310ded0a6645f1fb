"""The public progress pages of a published plan: axes, objectives, measures, actuals."""

import hashlib
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, cached_property

from accountability.filters import MeasureFilter
from accountability.progress import current_year, measures_progress, plan_progress
from actionplans import selectors
from actionplans.models import Measure, Plan
from activities.models import Activity
from common.conditional import conditional_page


def _preview(response, plan):
    """A draft's page (« Aperçu public », for its coordination) is kept by no cache."""
    if plan.status != Plan.Status.PUBLISHED:
        patch_cache_control(response, private=True, no_store=True)
    return response


def published_plan_validator(request, slug, **kwargs):
    """What a published plan's pages show: its content version and the day (statuses and the
    current year follow the date). ``None`` for a draft or no plan: the view answers (404)."""
    found = selectors.published_plan_version(slug)
    if found is None:
        return None
    version, changed_at = found
    today = timezone.localdate()
    midnight = datetime.combine(today, time.min, timezone.get_current_timezone())
    return f"{version}:{today.isoformat()}", max(changed_at, midnight)


class _Progress:
    """The plan's tree and progress, computed on first use: a page whose tree comes from the
    fragment cache needs neither."""

    def __init__(self, plan):
        self.plan = plan

    @cached_property
    def computed(self):
        return plan_progress(self.plan)

    def lazy(self, index):
        return SimpleLazyObject(lambda: self.computed[index])


def _shown_key(shown):
    """The measures a filter shows, as a short part of the tree fragment's cache key."""
    if shown is None:
        return "all"
    return hashlib.sha256(",".join(map(str, sorted(shown))).encode()).hexdigest()[:16]


@login_not_required
@conditional_page(published_plan_validator)
def plan_detail(request, slug):
    """The plan's progress, axis by axis, with filters kept in the URL; a draft, to its
    coordination only, under a banner.

    The tree (axes → objectives → measures with their progress) is a fragment cached per plan,
    content version, language, day, draft preview and filtered measures
    (``{% cache %}`` in the template): a write to the plan bumps its version, so the next
    request renders it anew; until then the tree costs no query.
    """
    plan = selectors.plan_for_page_or_404(slug, request.user)
    tree = _Progress(plan)
    axes, progress, rollups = tree.lazy(0), tree.lazy(1), tree.lazy(2)
    measure_filter = MeasureFilter(
        request.GET or None, plan=plan, queryset=Measure.objects.of_plan(plan).current()
    )
    shown = None
    if measure_filter.is_bound and measure_filter.is_valid():
        shown = set(measure_filter.qs.values_list("pk", flat=True))
        status = measure_filter.form.cleaned_data.get("statut")
        if status:
            shown = {pk for pk in shown if progress[pk].status == status}
    year = current_year(plan)
    response = render(
        request,
        "accountability/plan_detail.html",
        {
            "plan": plan,
            "axes": axes,
            "progress": progress,
            "rollups": rollups,
            "filter": measure_filter,
            "shown": shown,
            "current_year": year,
            "expenses": list(plan.expenses.all()),
            "is_draft": plan.status != Plan.Status.PUBLISHED,
            "tree_cache_timeout": settings.PLAN_TREE_CACHE_SECONDS,
            "tree_cache_key": _shown_key(shown),
            "today": timezone.localdate(),
        },
    )
    return _preview(response, plan)


@login_not_required
@conditional_page(published_plan_validator)
def measure_detail(request, slug, number):
    plan = selectors.plan_for_page_or_404(slug, request.user)
    measure = get_object_or_404(selectors.measure_for_page(plan), number=number)
    (progress,) = measures_progress([measure])
    reports = (
        Activity.objects.approved()
        .filter(measure=measure)
        .select_related("organisation")
        .prefetch_related("municipalities")
        .order_by("-date")
    )
    events = measure.events.public().select_related("municipality").order_by("-start")
    response = render(
        request,
        "accountability/measure_detail.html",
        {
            "plan": plan,
            "measure": measure,
            "progress": progress,
            "reports": reports,
            "events": events,
            "today": timezone.localdate(),
            "is_draft": plan.status != Plan.Status.PUBLISHED,
        },
    )
    return _preview(response, plan)
