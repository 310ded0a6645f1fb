"""The date poll's admin pages beyond its form: « Envoyer le sondage », « Résultats » and
« Choisir ce créneau ». Each asks the rule book, then calls ``meetings.polls``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from meetings import polls
from meetings.poll_forms import MeetingDetailsForm


def _context(request, model_admin, poll, title, **extra):
    request.current_app = model_admin.admin_site.name
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "poll": poll,
        "change_url": reverse("admin:meetings_datepoll_change", args=[poll.pk]),
        **extra,
    }


def poll_send_view(request, *, poll, model_admin):
    """The members who will receive the poll, then a button that sends it to them."""
    if not request.user.has_perm("meetings.send_datepoll", poll):
        raise PermissionDenied
    change_url = reverse("admin:meetings_datepoll_change", args=[poll.pk])
    if request.method == "POST":
        try:
            sent = polls.datepoll_send(poll=poll, by=request.user)
        except polls.NothingToSend as error:
            model_admin.message_user(request, str(error), messages.ERROR)
        else:
            if sent:
                model_admin.message_user(
                    request,
                    _("Le sondage est envoyé à %(count)s membres.") % {"count": len(sent)},
                    messages.SUCCESS,
                )
            else:
                model_admin.message_user(
                    request,
                    _("Tous les membres ont déjà reçu ce sondage : rien n'a été envoyé."),
                    messages.WARNING,
                )
        return redirect(change_url)
    context = _context(
        request,
        model_admin,
        poll,
        _("Envoyer le sondage « %(title)s »") % {"title": poll.title},
        recipients=polls.poll_recipients(poll),
        invited=poll.participants.count(),
        slots=[polls.slot_label(slot) for slot in poll.slots.all()],
        is_open=polls.poll_is_open(poll),
    )
    return TemplateResponse(request, "admin/meetings/datepoll/send.html", context)


def poll_results_view(request, *, poll, model_admin):
    """The grid of answers (read by whoever may read the poll)."""
    if not model_admin.has_view_permission(request, poll):
        raise PermissionDenied
    can_choose = _can_choose(request.user, poll) and poll.meeting_id is None
    context = _context(
        request,
        model_admin,
        poll,
        _("Résultats du sondage « %(title)s »") % {"title": poll.title},
        results=polls.poll_results(poll),
        can_choose=can_choose,
        chosen=polls.meeting_when(poll.meeting) if poll.meeting_id else "",
    )
    return TemplateResponse(request, "admin/meetings/datepoll/results.html", context)


def _can_choose(user, poll):
    return user.has_perm("meetings.send_datepoll", poll) and user.has_perm(
        "meetings.convene_meeting", poll
    )


def poll_choose_view(request, *, poll, slot_id, model_admin):
    """« Choisir ce créneau »: a confirmation, then the meeting and its convocation."""
    if not _can_choose(request.user, poll):
        raise PermissionDenied
    slot = get_object_or_404(poll.slots.all(), pk=slot_id)
    results_url = reverse("admin:meetings_datepoll_results", args=[poll.pk])
    if poll.meeting_id is not None:
        model_admin.message_user(
            request,
            _("Un créneau est déjà choisi pour ce sondage : la rencontre existe déjà."),
            messages.ERROR,
        )
        return redirect(results_url)
    form = MeetingDetailsForm(request.POST or None)
    if form.is_valid():
        try:
            meeting = polls.datepoll_choose(
                poll=poll, slot=slot, by=request.user, details=form.cleaned_data
            )
        except polls.SlotAlreadyChosen:
            model_admin.message_user(
                request,
                _("Un créneau est déjà choisi pour ce sondage : la rencontre existe déjà."),
                messages.ERROR,
            )
            return redirect(results_url)
        except polls.SlotInThePast:
            model_admin.message_user(
                request,
                _("Ce créneau est passé : choisissez une date à venir, rien n'a été créé."),
                messages.ERROR,
            )
            return redirect(results_url)
        model_admin.message_user(
            request,
            _(
                "La rencontre du %(when)s est créée et la convocation est envoyée à ses "
                "%(count)s membres."
            )
            % {"when": polls.meeting_when(meeting), "count": meeting.attendances.count()},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    context = _context(
        request,
        model_admin,
        poll,
        _("Choisir ce créneau"),
        slot=slot,
        when=polls.slot_label(slot),
        members=polls.poll_audience(poll),
        results_url=results_url,
        form=form,
    )
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "admin/meetings/datepoll/choose.html", context, status=status)
