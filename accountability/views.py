"""The "Rapports" pages: coordinators and ministry staff preview and download reports; the
public gets the public version of a published plan's report."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accountability import reports
from accountability.data import FULL, PUBLIC, plan_for_report
from accountability.forms import AccountabilityForm
from actionplans.models import Plan
from actionplans.periods import PeriodError, parse_period, parse_plan_period
from common.responses import file_response


@login_required
def report_home(request):
    plans = (
        Plan.objects.readable_by(request.user)
        .select_related("table")
        .order_by("table__name", "-start_date")
    )
    if not request.user.has_perm("accountability.view_full_report"):
        raise PermissionDenied(
            _("Les rapports complets sont réservés au ministère et à la coordination des tables.")
        )
    return render(request, "accountability/report_home.html", {"plans": plans})


@login_required
def report_plan(request, slug):
    plan = get_object_or_404(plan_for_report(Plan.objects.all()), slug=slug)
    if not request.user.has_perm("accountability.view_full_report", plan):
        raise PermissionDenied(
            _(
                "Les rapports complets sont réservés au ministère et à la coordination de cette table."
            )
        )
    form = AccountabilityForm(request.GET or None, plan=plan)
    file_format = request.GET.get("format")
    if (
        form.is_bound
        and form.is_valid()
        and file_format in {reports.HTML, reports.PDF, reports.XLSX}
    ):
        data = form.cleaned_data
        request_ = reports.ReportRequest(
            plan=plan,
            period=parse_period(plan, data["periode"]),
            lang=data["langue"],
            variant=FULL if data["version"] == "full" else PUBLIC,
            annual=data["type"] == "bilan",
        )
        if file_format == reports.HTML:
            return HttpResponse(reports.render_html(request_))
        build = reports.report_pdf if file_format == reports.PDF else reports.report_xlsx
        return file_response(*build(request_))
    return render(request, "accountability/report_plan.html", {"plan": plan, "form": form})


@login_not_required
def public_report(request, slug):
    """The public version of a published plan's progress report (``?periode=``): the whole
    plan, a plan year or a half-year only; any other range is a 404, nothing rendered."""
    plan = get_object_or_404(plan_for_report(Plan.objects.published()), slug=slug)
    try:
        period = parse_plan_period(plan, request.GET.get("periode"))
    except PeriodError as error:
        raise Http404(str(error)) from error
    lang = "en" if request.LANGUAGE_CODE == "en" else "fr"
    request_ = reports.ReportRequest(plan=plan, period=period, lang=lang, variant=PUBLIC)
    return file_response(*reports.report_pdf(request_), inline=True)
