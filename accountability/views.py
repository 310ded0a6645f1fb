"""The "Rapports" pages: coordinators and ministry staff preview and download reports; the
public gets the public version of a published plan's report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountability import reports, submissions
from accountability.data import FULL, PUBLIC, plan_for_report
from accountability.exports import tables_overview_xlsx
from accountability.forms import (
    AccountabilityForm,
    NarrativePeriodForm,
    NarrativesForm,
    ReopenForm,
    SubmissionForm,
)
from accountability.models import Submission
from accountability.narratives import (
    AXIS_FIELD,
    TextHistory,
    narrative_histories,
    narratives_save,
    report_narratives,
)
from accountability.overview import OVERDUE_AFTER, SORTS, tables_overview
from actionplans.models import Plan
from actionplans.periods import PeriodError, parse_period, parse_plan_period, plan_periods
from actionplans.services import ReopenError, period_reopen
from common.formatting import in_sentence
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
    return render(
        request,
        "accountability/report_plan.html",
        {
            "plan": plan,
            "form": form,
            "submit_form": SubmissionForm(plan=plan),
            "can_submit": request.user.has_perm("accountability.submit_report", plan),
            "can_reopen": request.user.has_perm("accountability.reopen_period", plan),
            "submissions": _submissions(plan),
        },
    )


def _submissions(plan):
    return plan.submissions.select_related("submitted_by", "lock__reopened_by").defer("pdf_source")


def _readable_plan(request, slug):
    """The plan of the report pages, if ``request.user`` reads its full report."""
    plan = get_object_or_404(Plan.objects.select_related("table"), slug=slug)
    if not request.user.has_perm("accountability.view_full_report", plan):
        raise PermissionDenied(
            _(
                "Les rapports complets sont réservés au ministère et à la coordination de cette table."
            )
        )
    return plan


def _plan_for(request, slug, permission, refusal):
    plan = _readable_plan(request, slug)
    if not request.user.has_perm(permission, plan):
        raise PermissionDenied(refusal)
    return plan


@login_required
def submission_confirm(request, slug):
    """Submitting a report: a page that says what will be locked (GET, from the plan's report
    page), then the submission itself (POST)."""
    plan = _plan_for(
        request,
        slug,
        "accountability.submit_report",
        _("Seule la coordination de la table soumet les rapports au ministère."),
    )
    form = SubmissionForm(request.POST if request.method == "POST" else request.GET, plan=plan)
    back = reverse("accountability:plan", args=[plan.slug])
    if not form.is_valid():
        messages.error(request, _("Choisissez une année ou un semestre du plan à soumettre."))
        return redirect(back)
    data = form.cleaned_data
    period = parse_period(plan, data["periode"])
    annual = data["type"] == "bilan"
    if request.method == "POST":
        try:
            submission = submissions.report_submit(
                plan=plan, period=period, annual=annual, lang=data["langue"], user=request.user
            )
        except submissions.SubmissionRefused as error:
            messages.error(request, str(error))
            return redirect(back)
        messages.success(
            request,
            _(
                "Rapport soumis au ministère : la période %(period)s est verrouillée. Le PDF "
                "et le XLSX sont conservés tels que soumis."
            )
            % {"period": in_sentence(submission.lock.label)},
        )
        return redirect(f"{back}#soumis")
    return render(
        request,
        "accountability/submission_confirm.html",
        {
            "plan": plan,
            "form": form,
            "period": period,
            "period_name": dict(form.fields["periode"].choices)[data["periode"]],
            "kind": _("Bilan annuel") if annual else _("Rapport d'étape"),
            "contents": submissions.period_contents(plan=plan, period=period),
            "back_url": back,
        },
    )


@login_required
def submission_file(request, slug, pk, file_format):
    """A submitted file, exactly as stored when it was sent (never made again)."""
    plan = _readable_plan(request, slug)
    submission = get_object_or_404(Submission, pk=pk, plan=plan)
    found = submissions.submission_file(submission, file_format)
    if found is None:
        raise Http404(_("Le PDF de ce rapport n'est pas encore prêt."))
    return file_response(*found)


@login_required
def period_reopen_confirm(request, slug, pk):
    """Reopening the period a submission locked: a reason is required; it is recorded."""
    plan = _plan_for(
        request,
        slug,
        "accountability.reopen_period",
        _("Seule la coordination de la table rouvre une période soumise."),
    )
    submission = get_object_or_404(
        Submission.objects.select_related("lock", "submitted_by"), pk=pk, plan=plan
    )
    back = reverse("accountability:plan", args=[plan.slug])
    if submission.lock is None or not submission.lock.is_active:
        messages.error(request, _("Cette période n'est pas verrouillée."))
        return redirect(f"{back}#soumis")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period_reopen(
                lock=submission.lock, reason=form.cleaned_data["reason"], user=request.user
            )
        except ReopenError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "Période rouverte : ce qui y est daté peut de nouveau être modifié. Le "
                    "rapport soumis reste téléchargeable tel qu'il a été envoyé."
                ),
            )
        return redirect(f"{back}#soumis")
    return render(
        request,
        "accountability/period_reopen.html",
        {"plan": plan, "submission": submission, "form": form, "back_url": back},
    )


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


def _current_period_key(plan, today=None):
    """The plan year under way, else the last one begun, else the whole plan."""
    today = today or timezone.localdate()
    key = "all"
    for year in plan.years.all():
        if year.start_date <= today:
            key = f"{year.start_date.year}-{year.end_date.year}"
        if year.start_date <= today <= year.end_date:
            break
    return key


@login_required
def report_narratives_page(request, slug):
    """The texts of the report for one of the plan's periods: the general narrative
    (achievements, difficulties, adjustments) and one per axis, written together by the
    table's coordinators and read by the ministry, each with its earlier versions."""
    plan = get_object_or_404(
        Plan.objects.select_related("table").prefetch_related("years", "axes"), slug=slug
    )
    if not request.user.has_perm("accountability.view_narratives", plan):
        raise PermissionDenied(
            _(
                "Les textes du rapport sont réservés au ministère et à la coordination de cette table."
            )
        )
    can_write = request.user.has_perm("accountability.change_narratives", plan)
    if request.method == "POST" and not can_write:
        raise PermissionDenied(_("Seule la coordination de la table rédige les textes du rapport."))
    period_form = NarrativePeriodForm(
        {"periode": request.GET.get("periode") or _current_period_key(plan)}, plan=plan
    )
    context = {"plan": plan, "period_form": period_form, "can_write": can_write}
    if not period_form.is_valid():
        return render(request, "accountability/narratives.html", context, status=400)
    period = parse_period(plan, period_form.cleaned_data["periode"])
    narratives = report_narratives(plan, period)
    axes = plan.axes.all()
    if request.method == "POST":
        form = NarrativesForm(request.POST, axes=axes, narratives=narratives)
        if form.is_valid():
            changed = narratives_save(
                plan=plan, period=period, texts=form.texts(), user=request.user
            )
            if changed:
                messages.success(
                    request,
                    ngettext(
                        "Textes enregistrés pour la période « %(period)s » : %(count)d texte modifié.",
                        "Textes enregistrés pour la période « %(period)s » : %(count)d textes modifiés.",
                        len(changed),
                    )
                    % {"period": dict(plan_periods(plan))[period.key], "count": len(changed)},
                )
            else:
                messages.info(request, _("Aucun texte n'a changé : rien à enregistrer."))
            return redirect(f"{request.path}?periode={period.key}")
    else:
        form = NarrativesForm(axes=axes, narratives=narratives)
    histories = narrative_histories(plan, period)
    empty = TextHistory()
    context.update(
        {
            "period": period,
            "period_label": dict(plan_periods(plan))[period.key],
            "form": form,
            "general_rows": [
                (field, histories.get((None, attribute), empty))
                for field, attribute in zip(
                    form.general_fields(), form.GENERAL.values(), strict=True
                )
            ],
            "axis_rows": [
                (axis, field, histories.get((axis.pk, AXIS_FIELD), empty))
                for axis, field in form.axis_fields()
            ],
        }
    )
    return render(request, "accountability/narratives.html", context)
