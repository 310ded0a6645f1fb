from django.db.models import Count, Prefetch
from django.utils import timezone

from accountability.progress import Rollup, measures_progress
from actionplans.models import Measure, Plan
from actionplans.selectors import measures_for_progress
from events.models import Event
from kits.models import Kit
from municipalities.models import Mrc
from partners.models import Committee, Membership, Table


def tables_for_home():
    """Each table with its territory (MRCs and their number of municipalities), its published
    plans (newest first) and its next public event, in a fixed number of queries."""
    return Table.objects.select_related("carrier").prefetch_related(
        Prefetch(
            "mrcs",
            Mrc.objects.annotate(municipality_count=Count("municipalities")).order_by("name"),
        ),
        Prefetch("plans", Plan.objects.published(), to_attr="published_plans"),
        Prefetch(
            "events",
            Event.objects.public().upcoming().select_related("municipality")[:1],
            to_attr="next_events",
        ),
    )


def current_plan(plans, today):
    """The published plan whose period holds ``today``, else the newest (``plans`` newest
    first), or None."""
    return next((plan for plan in plans if plan.start_date <= today <= plan.end_date), None) or (
        plans[0] if plans else None
    )


def home_page(today=None):
    """What the home page shows: ``tables`` (each with ``.municipality_count``, ``.current_plan``
    and ``.plan_percent``, the mean completion of its measures) and the ``events`` to come."""
    today = today or timezone.localdate()
    tables = list(tables_for_home().order_by("name"))
    plans = {}
    for table in tables:
        table.municipality_count = sum(mrc.municipality_count for mrc in table.mrcs.all())
        table.current_plan = current_plan(table.published_plans, today)
        table.plan_percent = None
        if table.current_plan is not None:
            plans[table.current_plan.pk] = Rollup()
    measures = measures_for_progress(Measure.objects.filter(objective__axis__plan__in=plans))
    for progress in measures_progress(measures, today=today):
        plans[progress.measure.objective.axis.plan_id].measures.append(progress)
    for table in tables:
        if table.current_plan is not None:
            table.plan_percent = plans[table.current_plan.pk].percent
    events = Event.objects.public().upcoming().select_related("table", "municipality")[:5]
    return {"tables": tables, "events": events}


def table_for_page(slug):
    """A table with what its public page shows: territory, committees, members, plans, events."""
    return (
        Table.objects.select_related("carrier")
        .prefetch_related(
            "mrcs__municipalities",
            Prefetch("committees", Committee.objects.select_related("municipality")),
            Prefetch(
                "memberships",
                Membership.objects.filter(committee__isnull=True).select_related("organisation"),
                to_attr="member_organisations",
            ),
            Prefetch("plans", Plan.objects.published(), to_attr="published_plans"),
            Prefetch(
                "events",
                Event.objects.public().upcoming().select_related("municipality"),
                to_attr="upcoming_events",
            ),
            Prefetch("kits", Kit.objects.published().order_by("number"), to_attr="published_kits"),
        )
        .get(slug=slug)
    )
