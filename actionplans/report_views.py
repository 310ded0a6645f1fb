"""Activity reports on the web: partners report, coordinators review."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionplans import reporting
from actionplans.models import ActivityReport, Attachment, IndicatorValue, Plan
from actionplans.report_forms import ActivityReportForm, ReturnForm
from portal import permissions
from portal.formatting import format_date
from portal.responses import stored_file_response

REPORT_RELATED = (
    "measure__objective__axis__plan__table",
    "organisation",
    "author",
    "event",
    "reviewed_by",
)


def _report_or_404(user, pk):
    """The report if ``user`` may see it; a guessed id of another's report is a 404."""
    queryset = (
        permissions.visible_reports(user)
        .select_related(*REPORT_RELATED)
        .prefetch_related(
            "municipalities",
            "attachments",
            Prefetch("values", IndicatorValue.objects.select_related("indicator")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def _reporting_organisation(user, measure):
    org_id = permissions.organisation_id(user)
    if org_id is not None:
        return org_id
    return measure.objective.axis.plan.table.carrier_id


@login_required
def report_list(request):
    reports = (
        permissions.visible_reports(request.user)
        .select_related("measure", "organisation")
        .order_by("-date", "-id")
    )
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "actionplans/report_list.html", {"page": page})


@login_required
def report_create(request):
    if not permissions.reportable_measures(request.user).exists():
        raise PermissionDenied(_("Votre compte n'est rattaché à aucun moyen d'action."))
    chosen = request.GET.get("mesure") or request.GET.get("measure")
    initial = {"measure": chosen} if chosen else {}
    form = ActivityReportForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.organisation_id = _reporting_organisation(request.user, report.measure)
        reporting.report_save(
            report=report,
            user=request.user,
            values=form.indicator_values(),
            municipalities=form.cleaned_data["municipalities"],
            files=form.cleaned_data["attachments"],
            submit="submit" in request.POST,
        )
        messages.success(request, _submitted_message(report))
        return redirect("reports:detail", pk=report.pk)
    return render(request, "actionplans/report_form.html", {"form": form, "report": None})


def _submitted_message(report):
    if report.status == ActivityReport.Status.SUBMITTED:
        return _("Activité soumise : la coordination la révisera.")
    return _("Brouillon enregistré.")


@login_required
def report_update(request, pk):
    report = _report_or_404(request.user, pk)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette activité."))
    form = ActivityReportForm(
        request.POST or None, request.FILES or None, user=request.user, instance=report
    )
    if request.method == "POST" and form.is_valid():
        was_approved = report.status == ActivityReport.Status.APPROVED
        reporting.report_save(
            report=form.save(commit=False),
            user=request.user,
            values=form.indicator_values(),
            municipalities=form.cleaned_data["municipalities"],
            files=form.cleaned_data["attachments"],
            submit="submit" in request.POST,
        )
        if was_approved:
            messages.warning(request, _("Activité modifiée : elle retourne à la révision."))
        else:
            messages.success(request, _submitted_message(report))
        return redirect("reports:detail", pk=report.pk)
    return render(request, "actionplans/report_form.html", {"form": form, "report": report})


@login_required
def report_detail(request, pk):
    report = _report_or_404(request.user, pk)
    return render(
        request,
        "actionplans/report_detail.html",
        {
            "report": report,
            "can_edit": permissions.can_edit_report(request.user, report),
            "can_review": permissions.can_review_report(request.user, report),
            "return_form": ReturnForm(),
        },
    )


def _workflow(action):
    """A POST-only view that runs ``action(report, request)`` after its permission check."""

    @login_required
    @require_POST
    def view(request, pk):
        report = _report_or_404(request.user, pk)
        try:
            action(report, request)
        except reporting.WorkflowError as error:
            messages.error(request, str(error))
        return redirect("reports:detail", pk=report.pk)

    return view


def _submit(report, request):
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    reporting.report_submit(report=report, user=request.user)
    messages.success(request, _("Activité soumise : la coordination la révisera."))


def _approve(report, request):
    if not permissions.can_review_report(request.user, report):
        raise PermissionDenied(_("Seule la coordination de la table approuve les activités."))
    reporting.report_approve(report=report, reviewer=request.user)
    messages.success(request, _("Activité approuvée."))


def _return(report, request):
    if not permissions.can_review_report(request.user, report):
        raise PermissionDenied(_("Seule la coordination de la table renvoie les activités."))
    form = ReturnForm(request.POST)
    comment = form.data.get("comment", "")
    reporting.report_return(report=report, reviewer=request.user, comment=comment)
    messages.success(request, _("Activité renvoyée à son auteur avec votre commentaire."))


def _delete(report, request):
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    reporting.report_delete(report=report, user=request.user)
    messages.success(request, _("Activité supprimée."))


report_submit = _workflow(_submit)
report_approve = _workflow(_approve)
report_return = _workflow(_return)


@login_required
@require_POST
def report_delete(request, pk):
    report = _report_or_404(request.user, pk)
    _delete(report, request)
    return redirect("reports:list")


@login_required
def attachment_download(request, pk, attachment_pk):
    report = _report_or_404(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, report=report)
    return stored_file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
    )


@login_required
def review_queue(request):
    tables = permissions.coordinated_table_ids(request.user)
    if not (tables or request.user.is_superuser):
        raise PermissionDenied(_("La file de révision est réservée à la coordination."))
    reports = ActivityReport.objects.awaiting_review().select_related(
        "measure__objective__axis__plan", "organisation", "author"
    )
    if not request.user.is_superuser:
        reports = reports.filter(measure__objective__axis__plan__table__in=tables)
    page = Paginator(reports.order_by("submitted_at", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "actionplans/review_queue.html", {"page": page})


@login_required
def reports_export(request, slug):
    """Approved activities of a plan as CSV, for coordinators and ministry staff."""
    plan = get_object_or_404(Plan.objects.select_related("table"), slug=slug)
    if not permissions.can_export_reports(request.user, plan.table_id):
        raise PermissionDenied(_("L'exportation est réservée à la coordination et au ministère."))
    reports = (
        ActivityReport.objects.approved()
        .of_plan(plan)
        .select_related("measure", "organisation")
        .prefetch_related("municipalities")
        .order_by("date", "id")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-activites.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Date"),
            _("Moyen d'action"),
            _("Titre"),
            _("Organisation"),
            _("Municipalités"),
            _("Participants"),
            _("Montant dépensé"),
        ]
    )
    for report in reports:
        writer.writerow(
            [
                format_date(report.date),
                report.measure.number,
                report.title,
                report.organisation.name,
                ", ".join(m.name for m in report.municipalities.all()),
                report.participants,
                report.amount_spent if report.amount_spent is not None else "",
            ]
        )
    return response
