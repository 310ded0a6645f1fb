"""The members' pages: answering a convocation by its signed link, without an account."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common import links
from meetings import convocations
from meetings.forms import AnswerForm


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
        },
        status=400 if form.is_bound and form.errors else 200,
    )
