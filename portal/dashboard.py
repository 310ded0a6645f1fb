"""What each role finds on "Mon espace": reads only, a fixed number of queries per plan."""

from dataclasses import dataclass, field

from actionplans.models import ActivityReport, Plan
from actionplans.progress import plan_progress
from portal import permissions


@dataclass
class PlanSection:
    plan: Plan
    axes: list
    measures: dict
    rollups: dict
    mine: list = field(default_factory=list)  # MeasureProgress of the partner's measures


def _sections(plans, measure_ids=None):
    sections = []
    for plan in plans:
        axes, measures, rollups = plan_progress(plan)
        section = PlanSection(plan=plan, axes=axes, measures=measures, rollups=rollups)
        if measure_ids is not None:
            section.mine = [progress for pk, progress in measures.items() if pk in measure_ids]
        sections.append(section)
    return sections


def dashboard_for(user):
    context = {"sections": [], "review": None, "reports": None, "municipal_reports": None}
    table_ids = permissions.coordinated_table_ids(user)
    reports = ActivityReport.objects.alive().select_related("measure", "organisation")
    if table_ids:
        plans = Plan.objects.filter(table__in=table_ids).select_related("table")
        context["sections"] = _sections(plans)
        queue = reports.awaiting_review().filter(
            measure__objective__axis__plan__table__in=table_ids
        )
        context["review"] = list(queue.order_by("submitted_at", "id")[:10])
        context["review_count"] = queue.count()
    elif (
        org := permissions.organisation_id(user)
    ) is not None and not permissions.municipality_ids(user):
        measure_ids = set(permissions.reportable_measures(user).values_list("pk", flat=True))
        plans = Plan.objects.filter(axes__objectives__measures__in=measure_ids).distinct()
        context["sections"] = _sections(plans.select_related("table"), measure_ids)
        context["reports"] = list(reports.filter(organisation=org).order_by("-date", "-id")[:15])
    if municipalities := permissions.municipality_ids(user):
        context["municipal_reports"] = list(
            reports.filter(status=ActivityReport.Status.APPROVED, municipalities__in=municipalities)
            .distinct()
            .order_by("-date", "-id")[:20]
        )
    if permissions.is_ministry(user):
        context["plans"] = list(
            Plan.objects.select_related("table").order_by("table__name", "-start_date")
        )
    return context
