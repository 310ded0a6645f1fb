"""What each role finds on "Mon espace": reads only, a fixed number of queries per plan."""

from dataclasses import dataclass, field

from accountability.progress import measures_progress, plan_progress
from actionplans.models import Plan
from actionplans.selectors import measures_for_progress
from activities.models import Activity
from activities.selectors import reportable_measures
from meetings.models import FollowUp
from meetings.selectors import my_meetings
from partners import roles


@dataclass
class PlanSection:
    plan: Plan
    axes: list = field(default_factory=list)
    rollups: dict = field(default_factory=dict)
    mine: list = field(default_factory=list)  # MeasureProgress of the partner's measures


def _table_sections(plans):
    """The coordinator's view: each plan of their tables, rolled up per axis."""
    sections = []
    for plan in plans:
        axes, _measures, rollups = plan_progress(plan)
        sections.append(PlanSection(plan=plan, axes=axes, rollups=rollups))
    return sections


def _partner_sections(user):
    """The partner's view: only their measures, whatever the number of plans, in fixed queries."""
    measures = measures_for_progress(reportable_measures(user))
    sections = {}
    for progress in measures_progress(measures):
        plan = progress.measure.objective.axis.plan
        sections.setdefault(plan.pk, PlanSection(plan=plan)).mine.append(progress)
    return list(sections.values())


def _follow_ups(user):
    """The open follow-ups a coordinator's tables or a partner's organisation must act on,
    overdue first; ``None`` for whoever has neither."""
    if not roles.coordinated_table_ids(user) and roles.organisation_id(user) is None:
        return None
    follow_ups = FollowUp.objects.open().actionable_by(user).overdue_first()
    return list(follow_ups.select_related("organisation", "meeting__table", "meeting__committee"))


def dashboard_for(user):
    context = {"sections": [], "review": None, "reports": None, "municipal_reports": None}
    context["my_meetings"] = my_meetings(user)
    context["follow_ups"] = _follow_ups(user)
    table_ids = roles.coordinated_table_ids(user)
    reports = Activity.objects.alive().select_related("measure", "organisation")
    if table_ids:
        plans = Plan.objects.of_tables(table_ids).select_related("table")
        context["sections"] = _table_sections(plans)
        queue = reports.awaiting_review().of_tables(table_ids)
        context["review"] = list(queue.order_by("submitted_at", "id")[:10])
        context["review_count"] = queue.count()
    elif (org := roles.organisation_id(user)) is not None and not roles.municipality_ids(user):
        context["sections"] = _partner_sections(user)
        context["reports"] = list(reports.filter(organisation=org).order_by("-date", "-id")[:15])
    if municipalities := roles.municipality_ids(user):
        context["municipal_reports"] = list(
            Activity.objects.for_user(user)
            .filter(status=Activity.Status.APPROVED, municipalities__in=municipalities)
            .select_related("measure", "organisation")
            .distinct()
            .order_by("-date", "-id")[:20]
        )
    if roles.is_ministry(user):
        context["plans"] = list(
            Plan.objects.readable_by(user)
            .select_related("table")
            .order_by("table__name", "-start_date")
        )
    return context
