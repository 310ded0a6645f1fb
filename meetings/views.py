"""The members' pages: answering a convocation by its signed link, without an account;
marking a follow-up done from Mon espace."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common import links
from meetings import convocations, minutes
from meetings.forms import AnswerForm
from meetings.models import FollowUp


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request, token):
    try:
        attendance = convocations.attendance_from_token(token)
    except links.InvalidLink as error:
        return links.refused(request, error)
    meeting = attendance.meeting
    if meeting.end < timezone.now():
        return links.refused(request, message=_("Cette rencontre a déjà eu lieu."))
    answered = attendance.answered_at is not None
    form = AnswerForm(request.POST if request.method == "POST" and not answered else None)
    if form.is_bound and form.is_valid():
        convocations.answer(
            attendance,
            choice=form.cleaned_data["answer"],
            represented_by=form.cleaned_data["represented_by"],
        )
        answered = True
    return render(
        request,
        "meetings/answer.html",
        {
            "attendance": attendance,
            "meeting": meeting,
            "when": convocations.when(meeting),
            "form": form,
            "answered": answered,
            "follow_ups": convocations.follow_ups_pending(meeting),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def followup_done(request, pk):
    """« Marquer comme fait »: the assignee organisation's people or the table's coordinators
    (anyone else: 404, the follow-up is not theirs to see)."""
    follow_up = get_object_or_404(
        FollowUp.objects.actionable_by(request.user).select_related("meeting"), pk=pk
    )
    if not request.user.has_perm("meetings.complete_followup", follow_up):
        raise PermissionDenied
    if minutes.followup_complete(follow_up=follow_up, by=request.user):
        messages.success(
            request, _("Suivi marqué comme fait : %(text)s") % {"text": follow_up.text[:80]}
        )
    else:
        messages.info(request, _("Ce suivi était déjà marqué comme fait."))
    return redirect(reverse("dashboard") + "#suivis")
