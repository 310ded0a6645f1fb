"""Reads on action plans, with the related data each screen needs fetched up front."""

from django.db.models import DecimalField, F, Prefetch, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from actionplans.models import Axis, Indicator, Measure, Objective, Plan

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def measures_with_totals(queryset=None):
    """Measures annotated with ``total_budget`` (staff + other) and ``total_hours``."""
    queryset = Measure.objects.all() if queryset is None else queryset
    return queryset.annotate(
        total_budget=Coalesce(
            Sum(F("budget_lines__staff_amount") + F("budget_lines__other_amount")), ZERO
        ),
        total_hours=Coalesce(Sum("budget_lines__staff_hours"), ZERO),
    )


def plan_tree(plan: Plan):
    """Axes → objectives → current measures → indicators → targets, in a fixed number of
    queries. Archived measures are not part of the plan's tree (see :func:`archived_measures`)."""
    measures = Measure.objects.current().prefetch_related(
        "leads",
        "partners",
        "years",
        "budget_lines",
        Prefetch("indicators", Indicator.objects.prefetch_related("targets")),
    )
    objectives = Objective.objects.prefetch_related(Prefetch("measures", measures))
    axes = Axis.objects.filter(plan=plan).prefetch_related(Prefetch("objectives", objectives))
    return list(axes.select_related("plan"))


def measure_for_page(plan: Plan):
    """A measure with its totals and everything its page and its progress read."""
    return (
        measures_with_totals(Measure.objects.of_plan(plan))
        .select_related("objective__axis__plan")
        .prefetch_related(
            "leads",
            "partners",
            "years",
            "budget_lines",
            "objective__axis__plan__years",
            Prefetch("indicators", Indicator.objects.prefetch_related("targets")),
        )
    )


def archived_measures(plan: Plan):
    """The measures a revision removed from ``plan`` while they had activities, in plan order,
    with what :func:`plan_tree`'s measures carry."""
    return (
        Measure.objects.of_plan(plan)
        .archived()
        .select_related("objective__axis")
        .prefetch_related(
            "leads",
            "partners",
            "years",
            "budget_lines",
            Prefetch("indicators", Indicator.objects.prefetch_related("targets")),
        )
        .in_plan_order()
    )


def measures_for_progress(queryset):
    """Measures with what :func:`accountability.progress.measures_progress` reads."""
    return (
        queryset.select_related("objective__axis__plan__table")
        .prefetch_related(
            "years",
            "objective__axis__plan__years",
            Prefetch("indicators", Indicator.objects.prefetch_related("targets")),
        )
        .in_plan_order()
    )


def published_plan_or_404(slug):
    plans = Plan.objects.published().select_related("table").prefetch_related("years")
    return get_object_or_404(plans, slug=slug)


def published_plan_version(slug):
    """``(content_version, content_changed_at)`` of the published plan ``slug``, or ``None``:
    what the public pages' validators are made of (one small query)."""
    plans = Plan.objects.published().filter(slug=slug)
    return plans.values_list("content_version", "content_changed_at").first()


def plan_for_page_or_404(slug, user):
    """A published plan; or a draft, for whoever may preview it (``actionplans.preview_plan``:
    its coordination); 404 for everyone else, as if it did not exist."""
    plans = Plan.objects.select_related("table").prefetch_related("years")
    plan = get_object_or_404(plans, slug=slug)
    if plan.status != Plan.Status.PUBLISHED and not user.has_perm("actionplans.preview_plan", plan):
        raise Http404
    return plan


def plan_renumbering(plan: Plan):
    """What « Renuméroter » gives each item from the plan's current order: ``[(item, number)]``
    for its axes (1..n), objectives (a.b) and current measures (a.b.c), in plan order."""
    numbered = []
    for axis_number, axis in enumerate(plan.axes.order_by("number"), start=1):
        numbered.append((axis, axis_number))
        objectives = axis.objectives.order_by("position", "id")
        for objective_index, objective in enumerate(objectives, start=1):
            objective_number = f"{axis_number}.{objective_index}"
            numbered.append((objective, objective_number))
            current = objective.measures.current().order_by("position", "id")
            for measure_index, measure in enumerate(current, start=1):
                numbered.append((measure, f"{objective_number}.{measure_index}"))
    return numbered


def plans_overlapping(plan: Plan):
    """The table's other plans whose period meets ``plan``'s."""
    return (
        Plan.objects.filter(
            table_id=plan.table_id, start_date__lte=plan.end_date, end_date__gte=plan.start_date
        )
        .exclude(pk=plan.pk)
        .order_by("start_date")
    )
