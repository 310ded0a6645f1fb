from django.db.models import Prefetch

from actionplans.models import Plan
from events.models import Event
from kits.models import Kit
from partners.models import Committee, Membership, Table


def tables_for_home():
    return Table.objects.select_related("carrier").prefetch_related(
        "mrcs", Prefetch("plans", Plan.objects.published(), to_attr="published_plans")
    )


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
