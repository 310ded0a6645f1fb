"""Answering a date poll by its personal signed link, without an account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common import links
from common.formatting import format_date
from meetings import polls
from meetings.poll_forms import PollAnswerForm


@login_not_required
@require_http_methods(["GET", "POST"])
def poll_answer(request, token):
    try:
        participant = polls.participant_from_token(token)
    except links.InvalidLink as error:
        return links.refused(request, error)
    poll = participant.poll
    slots = list(poll.slots.order_by("starts_at"))
    answers = dict(participant.answers.values_list("slot_id", "choice"))
    is_open = polls.poll_is_open(poll)
    form = PollAnswerForm(
        request.POST if request.method == "POST" and is_open else None,
        slots=slots,
        answers=answers,
    )
    status = 200
    if request.method == "POST" and not is_open:
        messages.error(request, _("Le sondage est fermé : votre réponse n'a pas été enregistrée."))
        status = 410
    elif form.is_bound and form.is_valid():
        try:
            polls.datepoll_answer(participant=participant, choices=form.choices())
        except polls.PollClosed:  # closed between the page's reading and the answer
            messages.error(
                request, _("Le sondage est fermé : votre réponse n'a pas été enregistrée.")
            )
        else:
            messages.success(
                request,
                _(
                    "Merci, vos réponses sont enregistrées. Vous pouvez les changer avec ce "
                    "lien jusqu'au %(date)s."
                )
                % {"date": format_date(poll.closes_on)},
            )
        return redirect(request.path)
    elif form.is_bound:
        status = 400
    mine = [(slot, polls.slot_label(slot), answers.get(slot.pk)) for slot in slots]
    return render(
        request,
        "meetings/poll_answer.html",
        {
            "participant": participant,
            "poll": poll,
            "form": form,
            "is_open": is_open,
            "closes_on": poll.closes_on,
            "chosen": polls.meeting_when(poll.meeting) if poll.meeting_id else "",
            "mine": mine,
            "choices": dict(polls.Choice.choices),
        },
        status=status,
    )
