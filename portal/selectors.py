from django.db.models import Count, Prefetch
from django.utils import timezone

from accountability.progress import plans_percent
from actionplans.models import Plan
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
    for table in tables:
        table.municipality_count = sum(mrc.municipality_count for mrc in table.mrcs.all())
        table.current_plan = current_plan(table.published_plans, today)
    percents = plans_percent([t.current_plan for t in tables if t.current_plan], today=today)
    for table in tables:
        table.plan_percent = percents.get(getattr(table.current_plan, "pk", None))
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
