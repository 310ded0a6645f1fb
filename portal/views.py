from django.contrib.auth.decorators import login_not_required, login_required
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from accountability import sharing
from accountability.progress import Status
from activities.models import Activity
from activities.selectors import reportable_measures
from common.conditional import conditional_page
from events.models import Event
from mailing.forms import SubscribeForm
from municipalities.models import Municipality
from partners import roles
from partners.models import Committee, Table
from portal import health
from portal.dashboard import dashboard_for
from portal.selectors import home_page, table_for_page


@login_not_required
@never_cache
def healthz(request):
    """Database, cache, storage and the worker's last heartbeat, as JSON: 200 or 503."""
    healthy, checks = health.report()
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503
    )


@login_not_required
@conditional_page()
def home(request):
    return render(request, "portal/home.html", home_page())


@login_required
def dashboard(request):
    user = request.user
    context = dashboard_for(user)
    context["is_coordinator"] = roles.is_coordinator(user)
    context["coordinated_tables"] = user.coordinated_tables.order_by("name")
    context["can_report"] = reportable_measures(user).exists()
    context["status_labels"] = [Status.LABELS[key] for key in Status.ORDER]
    return render(request, "portal/dashboard.html", context)


@login_not_required
@conditional_page()
def table_detail(request, slug):
    try:
        table = table_for_page(slug)
    except Table.DoesNotExist as error:
        raise Http404 from error
    return render(
        request,
        "portal/table_detail.html",
        {"table": table, "subscribe_form": SubscribeForm()},
    )


@login_not_required
def table_image(request, slug):
    """The table's link-preview picture (Open Graph): name, territory, current plan."""
    table = get_object_or_404(Table.objects.prefetch_related("mrcs"), slug=slug)
    return sharing.table_image_response(table)


@login_not_required
@conditional_page()
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
        .of_published_plans()
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
