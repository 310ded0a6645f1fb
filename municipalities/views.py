from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from activities.models import Activity
from events.models import Event
from municipalities.models import Municipality
from partners.models import Committee


def municipality_detail(request, slug):
    """A municipality's contact, its reception committee, its events and approved activities."""
    municipality = get_object_or_404(
        Municipality.objects.select_related(
            "mrc__region", "contact__organisation"
        ).prefetch_related(
            Prefetch("committees", Committee.objects.select_related("table")),
            "mrc__tables",
        ),
        slug=slug,
    )
    events = (
        Event.objects.public()
        .filter(municipality=municipality)
        .select_related("table", "municipality")
    )
    reports = (
        Activity.objects.approved()
        .filter(municipalities=municipality)
        .select_related("organisation", "measure__objective__axis__plan")
        .order_by("-date")[:30]
    )
    return render(
        request,
        "portal/municipality_detail.html",
        {
            "municipality": municipality,
            "upcoming": events.upcoming()[:20],
            "past": events.past()[:10],
            "reports": reports,
        },
    )
