"""Date polls (instead of Doodle): the coordinator proposes slots, each member answers yes / if
need be / no by a personal signed link without an account, the grid shows who can come, and
choosing a slot creates the meeting and convenes its members.

Times are entered, shown and sent in America/Montreal (the site's ``TIME_ZONE``). A poll takes
answers until the end of its closing day, Montreal time, and never once a slot is chosen.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import audit, links
from common.formatting import format_date, format_when
from common.markdown import markdown_to_text
from meetings.convocations import convene
from meetings.members import members_of
from meetings.models import DatePoll, Meeting, PollAnswer, PollParticipant, PollSlot

POLL = "meetings.poll"
Choice = PollAnswer.Choice


class PollClosed(Exception):
    """The poll takes no more answers: its closing date passed, or a slot was chosen."""


class SlotAlreadyChosen(Exception):
    """A slot of this poll was chosen already: its meeting exists."""


class SlotInThePast(Exception):
    """The slot has begun: a meeting cannot be created and convened there."""


class NothingToSend(Exception):
    """The poll cannot go out: it has no slot, it is closed, or a slot was chosen."""


def slot_label(slot):
    """« jeudi 6 février 2025, 10 h à 12 h » in the active language, Montreal time."""
    return format_when(slot.starts_at, slot.ends_at, weekday=True)


def meeting_when(meeting):
    return format_when(meeting.starts_at, meeting.end, weekday=True)


def poll_is_open(poll, *, today=None):
    today = today or timezone.localdate()
    return poll.meeting_id is None and today <= poll.closes_on


def poll_link(participant):
    with translation.override("fr"):
        path = reverse("meetings:poll_answer", kwargs={"token": links.make(POLL, participant.pk)})
    return f"{settings.SITE_URL}{path}"


def participant_from_token(token):
    """The participant a link names (``links.InvalidLink`` if tampered or gone)."""
    queryset = PollParticipant.objects.select_related(
        "poll__table", "poll__committee", "poll__meeting"
    )
    return links.get(queryset, POLL, token)


def poll_audience(poll):
    """Who the poll is for: the members of its table or committee (``members_of``)."""
    return members_of(poll.table, poll.committee)


def poll_recipients(poll):
    """The members who have not received the poll yet (sending again reaches only them)."""
    invited = {email.lower() for email in poll.participants.values_list("email", flat=True)}
    return [member for member in poll_audience(poll) if member.email.lower() not in invited]


def _poll_message(poll, participant, slots):
    context = {
        "poll": poll,
        "participant": participant,
        "audience": poll.committee.name if poll.committee_id else poll.table.name,
        "slots": [slot_label(slot) for slot in slots],
        "closes_on": format_date(poll.closes_on),
        "description": markdown_to_text(poll.description),
        "link": poll_link(participant),
    }
    subject = _("Sondage de dates : %(title)s, répondez d'ici le %(date)s") % {
        "title": poll.title,
        "date": context["closes_on"],
    }
    return EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("meetings/email/poll.txt", context),
        to=[participant.email],
        reply_to=poll.table.coordination_emails,
    )


def datepoll_send(*, poll, by=None):
    """Invite every member not invited yet: one participant each, with a personal link.

    Returns the new participants (none when everyone has it already)."""
    with transaction.atomic():
        poll = (
            DatePoll.objects.select_for_update(of=("self",))
            .select_related("table", "committee")
            .get(pk=poll.pk)
        )
        slots = list(poll.slots.all())
        if not slots:
            raise NothingToSend(_("Ajoutez au moins une date proposée avant d'envoyer."))
        if not poll_is_open(poll):
            raise NothingToSend(_("Ce sondage est fermé : il ne peut plus être envoyé."))
        participants = PollParticipant.objects.bulk_create(
            PollParticipant(poll=poll, person=member.person, name=member.name, email=member.email)
            for member in poll_recipients(poll)
        )
        if not participants:
            return []
        poll.sent_at = timezone.now()
        poll._change_reason = _("Sondage envoyé à %(count)s membres") % {"count": len(participants)}
        poll.save(update_fields=["sent_at"])
        audit.record(
            "datepoll.send",
            datepoll=poll.pk,
            recipients=len(participants),
            by=getattr(by, "pk", None),
        )
        with translation.override("fr"):
            for participant in participants:
                _poll_message(poll, participant, slots).send()
    return participants


def datepoll_answer(*, participant, choices):
    """Record a participant's answers, ``{slot_id: choice}``: they may change them as often
    as they like while the poll is open. Raises ``PollClosed`` (nothing changes) after."""
    with transaction.atomic():
        # The poll's row is the turnstile: an answer never commits after a slot was chosen.
        poll = DatePoll.objects.select_for_update().get(pk=participant.poll_id)
        if not poll_is_open(poll):
            raise PollClosed
        slot_ids = set(poll.slots.values_list("pk", flat=True))
        PollAnswer.objects.bulk_create(
            [
                PollAnswer(participant=participant, slot_id=slot_id, choice=choice)
                for slot_id, choice in choices.items()
                if slot_id in slot_ids
            ],
            update_conflicts=True,
            unique_fields=["participant", "slot"],
            update_fields=["choice"],
        )
        participant.answered_at = timezone.now()
        participant.save(update_fields=["answered_at"])


@dataclass
class SlotResult:
    slot: PollSlot
    label: str
    counts: Counter = field(default_factory=Counter)
    best: bool = False

    @property
    def yes(self):
        return self.counts[Choice.YES]

    @property
    def if_need_be(self):
        return self.counts[Choice.IF_NEED_BE]

    @property
    def no(self):
        return self.counts[Choice.NO]

    @property
    def no_answer(self):
        return self.counts[None]

    @property
    def rank(self):
        """Most yes first, then most yes and if need be together."""
        return (self.yes, self.yes + self.if_need_be)


@dataclass
class ParticipantRow:
    participant: PollParticipant
    cells: list  # one PollAnswer.Choice (or None: no answer) per slot, in the slots' order


@dataclass
class PollResults:
    poll: DatePoll
    slots: list
    rows: list

    @property
    def best(self):
        return [result for result in self.slots if result.best]

    @property
    def not_answered(self):
        return [row.participant for row in self.rows if row.participant.answered_at is None]


def poll_results(poll):
    """The grid: one row per participant, one column per slot, counts and the best slots.

    Three queries whatever the number of participants and slots."""
    slots = [SlotResult(slot, slot_label(slot)) for slot in poll.slots.order_by("starts_at")]
    participants = list(poll.participants.order_by("name", "pk"))
    answers = {
        (answer.participant_id, answer.slot_id): answer.choice
        for answer in PollAnswer.objects.filter(participant__poll=poll).only(
            "participant_id", "slot_id", "choice"
        )
    }
    rows = []
    for participant in participants:
        cells = []
        for result in slots:
            choice = answers.get((participant.pk, result.slot.pk))
            choice = Choice(choice) if choice else None
            result.counts[choice] += 1
            cells.append(choice)
        rows.append(ParticipantRow(participant, cells))
    top = max((result.rank for result in slots), default=(0, 0))
    if top > (0, 0):
        for result in slots:
            result.best = result.rank == top
    return PollResults(poll, slots, rows)


def datepoll_choose(*, poll, slot, by=None, details=None):
    """Create the meeting at ``slot``, link it to the poll and convene its members (who learn
    the date from the convocation). ``details``: the meeting's mode, place, online link and
    agenda, as the coordinator wrote them on choosing. Raises ``SlotAlreadyChosen`` the second time,
    ``SlotInThePast`` for a slot that has begun."""
    with transaction.atomic():
        poll = (
            DatePoll.objects.select_for_update(of=("self",))
            .select_related("table", "committee")
            .get(pk=poll.pk)
        )
        if poll.meeting_id is not None:
            raise SlotAlreadyChosen
        slot = poll.slots.get(pk=slot.pk)
        if slot.starts_at <= timezone.now():
            raise SlotInThePast
        meeting = Meeting(
            table=poll.table,
            committee=poll.committee,
            title=poll.title,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            **(details or {}),
        )
        meeting._change_reason = _("Créée par le sondage « %(title)s »") % {"title": poll.title}
        meeting.save()
        poll.meeting = meeting
        poll._change_reason = _("Créneau choisi")
        poll.save(update_fields=["meeting"])
        audit.record("datepoll.choose", datepoll=poll.pk, meeting=meeting.pk)
        convene(meeting, by=by)
    return meeting
