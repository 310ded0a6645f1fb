"""Activity activities on the web: partners activity, coordinators review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionplans.models import Plan
from activities import services
from activities.forms import ActivityForm, ReturnForm
from activities.models import Activity, Attachment, IndicatorValue
from activities.selectors import reportable_measures
from common.formatting import format_date
from common.responses import stored_file_response
from common.spreadsheets import csv_writer
from partners import roles

ACTIVITY_RELATED = (
    "measure__objective__axis__plan__table",
    "organisation",
    "author",
    "event",
    "reviewed_by",
)


def _activity_or_404(user, pk):
    """The activity if ``user`` may see it; a guessed id of another's activity is a 404."""
    queryset = (
        Activity.objects.for_user(user)
        .select_related(*ACTIVITY_RELATED)
        .prefetch_related(
            "municipalities",
            "attachments",
            Prefetch("values", IndicatorValue.objects.select_related("indicator")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def _reporting_organisation(user, measure):
    org_id = roles.organisation_id(user)
    if org_id is not None:
        return org_id
    return measure.objective.axis.plan.table.carrier_id


@login_required
def activity_list(request):
    activities = (
        Activity.objects.for_user(request.user)
        .select_related("measure", "organisation")
        .order_by("-date", "-id")
    )
    page = Paginator(activities, 50).get_page(request.GET.get("page"))
    return render(request, "activities/activity_list.html", {"page": page})


@login_required
def activity_create(request):
    if not reportable_measures(request.user).exists():
        raise PermissionDenied(_("Votre compte n'est rattaché à aucun moyen d'action."))
    chosen = request.GET.get("mesure") or request.GET.get("measure")
    initial = {"measure": chosen} if chosen else {}
    form = ActivityForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        activity.organisation_id = _reporting_organisation(request.user, activity.measure)
        try:
            services.activity_save(
                activity=activity,
                user=request.user,
                values=form.indicator_values(),
                municipalities=form.cleaned_data["municipalities"],
                files=form.cleaned_data["attachments"],
                submit="submit" in request.POST,
            )
        except services.ActivityLocked as error:
            form.add_error("date", str(error))
            return render(
                request, "activities/activity_form.html", {"form": form, "activity": None}
            )
        messages.success(request, _submitted_message(activity))
        return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": None})


def _submitted_message(activity):
    if activity.status == Activity.Status.SUBMITTED:
        return _("Activité soumise : la coordination la révisera.")
    return _("Brouillon enregistré.")


@login_required
def activity_update(request, pk):
    activity = _activity_or_404(request.user, pk)
    try:
        services.activity_open_check(activity)
    except services.ActivityLocked as error:  # shown read-only, with the reason
        messages.error(request, str(error))
        return redirect("activities:detail", pk=activity.pk)
    if not request.user.has_perm("activities.change_activity", activity):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette activité."))
    form = ActivityForm(
        request.POST or None, request.FILES or None, user=request.user, instance=activity
    )
    if request.method == "POST" and form.is_valid():
        was_approved = activity.status == Activity.Status.APPROVED
        try:
            services.activity_save(
                activity=form.save(commit=False),
                user=request.user,
                values=form.indicator_values(),
                municipalities=form.cleaned_data["municipalities"],
                files=form.cleaned_data["attachments"],
                submit="submit" in request.POST,
                version=form.cleaned_data["version"],
            )
        except services.StaleActivity as error:
            return _stale_form(request, form, error)
        except services.ActivityLocked as error:  # moved into a locked period: nothing saved
            form.add_error("date", str(error))
            return render(
                request, "activities/activity_form.html", {"form": form, "activity": activity}
            )
        if was_approved:
            messages.warning(request, _("Activité modifiée : elle retourne à la révision."))
        else:
            messages.success(request, _submitted_message(activity))
        return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


# The fields a partner types, which a stale save merges (municipalities and values are kept
# as posted).
_MERGED_FIELDS = (
    "measure",
    "date",
    "title",
    "description",
    "participants",
    "participants_immigrant",
    "participants_host",
    "amount_spent",
    "event",
)


def _keep_both_changes(form, activity, read_version):
    """A field the partner left as they read it takes the activity's current value, so saving
    again keeps what someone else changed meanwhile; the partner's own changes stay."""
    read = activity.history.filter(version=read_version).order_by("-history_id").first()
    if read is None:
        return
    for name in _MERGED_FIELDS:
        attname = Activity._meta.get_field(name).attname
        posted = form.cleaned_data.get(name)
        if getattr(posted, "pk", posted) != getattr(read, attname):
            continue
        current = getattr(activity, attname)
        form.data[name] = (
            "" if current is None else getattr(current, "isoformat", current.__str__)()
        )


def _stale_form(request, form, error):
    """The edit form again, after someone else changed the activity: the message says what
    changed, the partner's input stays, and saving again now applies to the current version."""
    form.add_error(None, str(error))
    if form.cleaned_data["attachments"]:
        form.add_error(
            "attachments", _("Les fichiers ne peuvent pas être conservés : joignez-les de nouveau.")
        )
    form.data = form.data.copy()
    form.data["version"] = str(error.version)
    try:
        activity = _activity_or_404(request.user, form.instance.pk)
        _keep_both_changes(form, activity, form.cleaned_data.get("version"))
    except Http404:  # deleted meanwhile: nothing left to save over
        messages.error(
            request,
            _(
                "Cette activité a été supprimée depuis que vous l'avez ouverte : rien n'a été "
                "enregistré."
            ),
        )
        return redirect("activities:list")
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_detail(request, pk):
    activity = _activity_or_404(request.user, pk)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "can_edit": request.user.has_perm("activities.change_activity", activity),
            "can_review": request.user.has_perm("activities.review_activity", activity),
            "lock_reason": _lock_reason(activity),
            "return_form": ReturnForm(),
        },
    )


def _lock_reason(activity):
    """Why the activity cannot change (its period was submitted), or ``""``."""
    try:
        services.activity_open_check(activity)
    except services.ActivityLocked as error:
        return str(error)
    return ""


def _read_version(request, *, required):
    """The version of the activity the page was showing (the forms carry it)."""
    text = request.POST.get("version", "")
    if text.isascii() and text.isdigit():
        return int(text)
    if required:
        raise services.WorkflowError(
            _("Cette page n'était plus à jour : relisez l'activité, puis recommencez.")
        )
    return None


def _workflow(action):
    """A POST-only view that runs ``action(activity, request)`` after its permission check."""

    @login_required
    @require_POST
    def view(request, pk):
        activity = _activity_or_404(request.user, pk)
        try:
            action(activity, request)
        except services.WorkflowError as error:
            messages.error(request, str(error))
            return _after_refusal(request, activity)
        return redirect("activities:detail", pk=activity.pk)

    return view


def _after_refusal(request, activity):
    """Back to the activity, to read it again; to the list if someone deleted it meanwhile."""
    if Activity.objects.for_user(request.user).filter(pk=activity.pk).exists():
        return redirect("activities:detail", pk=activity.pk)
    return redirect("activities:list")


def _submit(activity, request):
    services.activity_open_check(activity)  # the reason, before any permission
    if not request.user.has_perm("activities.change_activity", activity):
        raise PermissionDenied
    services.activity_submit(
        activity=activity, user=request.user, version=_read_version(request, required=False)
    )
    messages.success(request, _("Activité soumise : la coordination la révisera."))


def _approve(activity, request):
    services.activity_open_check(activity)  # the reason, before any permission
    if not request.user.has_perm("activities.review_activity", activity):
        raise PermissionDenied(_("Seule la coordination de la table approuve les activités."))
    services.activity_approve(
        activity=activity, reviewer=request.user, version=_read_version(request, required=True)
    )
    messages.success(request, _("Activité approuvée."))


def _return(activity, request):
    services.activity_open_check(activity)  # the reason, before any permission
    if not request.user.has_perm("activities.review_activity", activity):
        raise PermissionDenied(_("Seule la coordination de la table renvoie les activités."))
    form = ReturnForm(request.POST)
    if not form.is_valid():  # empty, too long: the browser's own checks were bypassed
        raise services.WorkflowError(" ".join(form.errors["comment"]))
    services.activity_return(
        activity=activity,
        reviewer=request.user,
        comment=form.cleaned_data["comment"],
        version=_read_version(request, required=True),
    )
    messages.success(request, _("Activité renvoyée à son auteur avec votre commentaire."))


def _delete(activity, request):
    services.activity_open_check(activity)  # the reason, before any permission
    if not request.user.has_perm("activities.delete_activity", activity):
        raise PermissionDenied
    services.activity_delete(
        activity=activity, user=request.user, version=_read_version(request, required=False)
    )
    messages.success(request, _("Activité supprimée."))


activity_submit = _workflow(_submit)
activity_approve = _workflow(_approve)
activity_return = _workflow(_return)


@login_required
@require_POST
def activity_delete(request, pk):
    activity = _activity_or_404(request.user, pk)
    try:
        _delete(activity, request)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return _after_refusal(request, activity)
    return redirect("activities:list")


@login_required
def attachment_download(request, pk, attachment_pk):
    activity = _activity_or_404(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, activity=activity)
    return stored_file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
    )


@login_required
def review_queue(request):
    if not request.user.has_perm("activities.review_activity"):
        raise PermissionDenied(_("La file de révision est réservée à la coordination."))
    activities = (
        Activity.objects.awaiting_review()
        .managed_by(request.user)
        .select_related("measure__objective__axis__plan", "organisation", "author")
    )
    page = Paginator(activities.order_by("submitted_at", "id"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "activities/review_queue.html", {"page": page})


@login_required
def activities_export(request, slug):
    """Approved activities of a plan as CSV, for coordinators and ministry staff."""
    plan = get_object_or_404(Plan.objects.select_related("table"), slug=slug)
    if not request.user.has_perm("activities.export_activities", plan):
        raise PermissionDenied(_("L'exportation est réservée à la coordination et au ministère."))
    activities = (
        Activity.objects.approved()
        .of_plan(plan)
        .select_related("measure", "organisation")
        .prefetch_related("municipalities")
        .order_by("date", "id")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-activites.csv"'
    response.write("\ufeff")
    writer = csv_writer(response)
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
    for activity in activities:
        writer.writerow(
            [
                format_date(activity.date),
                activity.measure.number,
                activity.title,
                activity.organisation.name,
                ", ".join(m.name for m in activity.municipalities.all()),
                activity.participants,
                activity.amount_spent if activity.amount_spent is not None else "",
            ]
        )
    return response
