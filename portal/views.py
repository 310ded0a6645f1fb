from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accountability.progress import Status
from partners.selectors import tables_for_home
from portal import permissions
from portal.dashboard import dashboard_for


def home(request):
    return render(request, "portal/home.html", {"tables": tables_for_home()})


@login_required
def dashboard(request):
    user = request.user
    context = dashboard_for(user)
    context["is_coordinator"] = permissions.is_coordinator(user)
    context["coordinated_tables"] = user.coordinated_tables.order_by("name")
    context["can_report"] = permissions.reportable_measures(user).exists()
    context["status_labels"] = [Status.LABELS[key] for key in Status.ORDER]
    return render(request, "portal/dashboard.html", context)
