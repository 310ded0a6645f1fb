"""The members' pages: answering a convocation by its signed link, without an account, and
their private calendar feed; marking a follow-up done from Mon espace; a meeting's documents
for the back office."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import links
from common.responses import file_response
from meetings import convocations, feeds, minutes
from meetings.documents import stored_document_response
from meetings.forms import AnswerForm
from meetings.models import FollowUp, MeetingDocument


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
            # A second answer (another tab, the link used again) is not taken: say so.
            "not_taken": request.method == "POST" and not form.is_bound,
            "follow_ups": convocations.follow_ups_pending(meeting),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_not_required
@require_GET
def feed(request, token):
    """A member's private calendar feed (``meetings.feeds``): no account, a signed address."""
    try:
        person = feeds.person_from_token(token)
    except links.InvalidLink as error:
        return links.refused(request, error)
    response = file_response(*feeds.person_feed(person), inline=True)
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_GET
def document_download(request, pk):
    """A meeting's document, for whoever reads the meeting in the back office (its table's
    coordinators, the ministry); members receive the documents with their convocation."""
    document = get_object_or_404(
        MeetingDocument.objects.for_user(request.user).select_related("meeting__table"), pk=pk
    )
    if not request.user.has_perm("meetings.view_meetingdocument", document):
        raise Http404
    return stored_document_response(document)


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
