"""The "Rapports" pages: coordinators and ministry staff preview and download reports; the
public gets the public version of a published plan's report."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accountability import reports
from accountability.data import FULL, PUBLIC, plan_for_report
from accountability.exports import tables_overview_xlsx
from accountability.forms import AccountabilityForm
from accountability.overview import OVERDUE_AFTER, SORTS, tables_overview
from actionplans.models import Plan
from actionplans.periods import PeriodError, parse_period, parse_plan_period
from common.responses import file_response

RETRY = "reessayer"


def _query_url(request, query):
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _pdf_response(request, report_request, *, plan, back_url, back_label, inline=False):
    """The PDF once the worker has rendered it; until then a page that refreshes itself, or
    says that the rendering failed and offers to try again (``?reessayer=1``, which queues it
    again and comes back to the address without the parameter)."""
    if RETRY in request.GET:
        reports.report_pdf_retry(report_request)
        query = request.GET.copy()
        del query[RETRY]
        return redirect(_query_url(request, query))
    try:
        return file_response(*reports.report_pdf(report_request), inline=inline)
    except reports.ReportNotReady as not_ready:
        report_file = not_ready.report_file
    retry = request.GET.copy()
    retry[RETRY] = "1"
    return render(
        request,
        "accountability/report_pending.html",
        {
            "plan": plan,
            "report_file": report_file,
            "refresh_url": request.get_full_path(),
            "retry_url": _query_url(request, retry),
            "back_url": back_url,
            "back_label": back_label,
        },
        status=500 if report_file.has_failed else 202,
    )


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


def _sort_links(request, overview):
    """``{column: (url, aria-sort)}``: each header's link sorts by its column, ascending first,
    descending when it is already sorted ascending; the region filter is kept."""
    links = {}
    for key in SORTS:
        query = request.GET.copy()
        query.pop("format", None)
        current = overview.sort == key
        query["tri"] = f"-{key}" if current and not overview.descending else key
        aria = ("descending" if overview.descending else "ascending") if current else None
        links[key] = (f"{request.path}?{query.urlencode()}", aria)
    return links


@login_required
def tables_overview_page(request):
    """Every table side by side, for the ministry (``?region=``, ``?tri=``, ``?format=xlsx``)."""
    if not request.user.has_perm("accountability.view_tables_overview"):
        raise PermissionDenied(_("La vue d'ensemble des tables est réservée au ministère."))
    overview = tables_overview(
        request.user, region_code=request.GET.get("region"), sort=request.GET.get("tri")
    )
    if request.GET.get("format") == reports.XLSX:
        lang = "en" if request.LANGUAGE_CODE == "en" else "fr"
        return file_response(*tables_overview_xlsx(overview, lang))
    export = request.GET.copy()
    export["format"] = reports.XLSX
    return render(
        request,
        "accountability/tables_overview.html",
        {
            "overview": overview,
            "sort_links": _sort_links(request, overview),
            "export_url": f"{request.path}?{export.urlencode()}",
            "overdue_days": OVERDUE_AFTER.days,
        },
    )


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
            return HttpResponse(reports.render_html(request_, csp_nonce=str(request.csp_nonce)))
        if file_format == reports.XLSX:
            return file_response(*reports.report_xlsx(request_))
        return _pdf_response(
            request,
            request_,
            plan=plan,
            back_url=reverse("accountability:plan", args=[plan.slug]),
            back_label=_("Retour aux rapports du plan"),
        )
    return render(request, "accountability/report_plan.html", {"plan": plan, "form": form})


@login_not_required
def public_report(request, slug):
    """The public version of a published plan's progress report (``?periode=``): the whole
    plan, a plan year or a half-year only; any other range is a 404, nothing rendered. Like
    the coordinators' PDF, it is served once the worker has rendered it."""
    plan = get_object_or_404(plan_for_report(Plan.objects.published()), slug=slug)
    try:
        period = parse_plan_period(plan, request.GET.get("periode"))
    except PeriodError as error:
        raise Http404(str(error)) from error
    lang = "en" if request.LANGUAGE_CODE == "en" else "fr"
    request_ = reports.ReportRequest(plan=plan, period=period, lang=lang, variant=PUBLIC)
    return _pdf_response(
        request,
        request_,
        plan=plan,
        back_url=plan.get_absolute_url(),
        back_label=_("Retour au plan"),
        inline=True,
    )
