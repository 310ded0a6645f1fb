"""The public progress pages of a published plan: axes, objectives, measures, actuals."""

import hashlib
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, cached_property

from accountability import open_data, sharing
from accountability.filters import MeasureFilter
from accountability.progress import current_year, measures_progress, plan_progress
from actionplans import selectors
from actionplans.budget import tree_budget
from actionplans.models import Measure, Plan
from activities.models import Activity
from common.conditional import conditional_page
from common.responses import file_response


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
    # The time of the last change as well as the counter: a restored or reset database counts
    # again from where an older copy stood.
    return f"{version}:{changed_at.isoformat()}:{today.isoformat()}", max(changed_at, midnight)


class _Progress:
    """The plan's tree and progress, computed on first use: a page whose tree comes from the
    fragment cache needs neither."""

    def __init__(self, plan, expenses):
        self.plan = plan
        self.expenses = expenses

    @cached_property
    def computed(self):
        return plan_progress(self.plan)

    @cached_property
    def summary(self):
        budget, outside_budget = tree_budget(self.computed[0], self.expenses)
        return {"budget": budget, "outside_budget": outside_budget}

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
    expenses = list(plan.expenses.all())
    tree = _Progress(plan, expenses)
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
            "expenses": expenses,
            "summary": SimpleLazyObject(lambda: tree.summary),
            "shown_objectives": _holding(shown, "objectives", axes),
            "shown_axes": _holding(shown, "axes", axes),
            "is_draft": plan.status != Plan.Status.PUBLISHED,
            "tree_cache_timeout": settings.PLAN_TREE_CACHE_SECONDS,
            "tree_cache_key": _shown_key(shown),
            "today": timezone.localdate(),
        },
    )
    return _preview(response, plan)


def _holding(shown, level, axes):
    """The pks of the axes or objectives holding a measure the filters show (``None``: no
    filter, all of them show)."""
    if shown is None:
        return None
    holding = set()
    for axis in axes:
        for objective in axis.objectives.all():
            if any(measure.pk in shown for measure in objective.measures.all()):
                holding.add(objective.pk if level == "objectives" else axis.pk)
    return holding


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
    years = {year.pk: year for year in plan.years.all()}
    budget_lines = [(line, years.get(line.year_id)) for line in measure.budget_lines.all()]
    response = render(
        request,
        "accountability/measure_detail.html",
        {
            "plan": plan,
            "measure": measure,
            "progress": progress,
            "reports": reports,
            "events": events,
            "budget_lines": budget_lines,
            "today": timezone.localdate(),
            "is_draft": plan.status != Plan.Status.PUBLISHED,
        },
    )
    return _preview(response, plan)


@login_not_required
@conditional_page(published_plan_validator)
def plan_json(request, slug):
    """Open data: a published plan as nested JSON with its actuals (format in the README)."""
    plan = selectors.published_plan_or_404(slug)
    response = file_response(*open_data.plan_json(plan), inline=True)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
def plan_image(request, slug):
    """The plan's link-preview picture (Open Graph); a draft has none (404)."""
    return sharing.plan_image_response(selectors.published_plan_or_404(slug))
